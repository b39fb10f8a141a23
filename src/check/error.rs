//! Everything `check` can find wrong with a procedure that parses.
//! Errors (E…) stop a procedure from being used; warnings (W…) do not,
//! unless `--deny-warnings` is given.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum CheckError {
    /// A transition, `start`, `otherwise` or refusal names a step or
    /// outcome that is not declared.
    #[error("unknown step or outcome `{name}`")]
    #[diagnostic(code(E0201), help("{help}"))]
    UnknownTarget {
        name: String,
        help: String,
        #[label("not a declared step or outcome")]
        span: SourceSpan,
    },

    /// A `lead`, `by` or consent names a role that is not declared.
    #[error("unknown role `{name}`")]
    #[diagnostic(code(E0202), help("{help}"))]
    UnknownRole {
        name: String,
        help: String,
        #[label("not a declared role")]
        span: SourceSpan,
    },

    /// A guard or duration names something that is neither a fact nor a
    /// data field of the event.
    #[error("unknown fact `{name}`")]
    #[diagnostic(code(E0203), help("{help}"))]
    UnknownFact {
        name: String,
        help: String,
        #[label("not a declared fact or event field")]
        span: SourceSpan,
    },

    /// `urgent == yes` where `urgent` is a yes/no fact: its values are
    /// `true` and `false`, and the fact alone is already a condition.
    #[error("`{fact}` is a yes/no fact; `{word}` is not one of its values")]
    #[diagnostic(
        code(E0306),
        help("write `when {fact}` (or `when not {fact}`), or compare with `true` or `false`: `{fact} == true`")
    )]
    YesNoWord {
        fact: String,
        word: String,
        #[label("write `true` or `false`, or leave the comparison out")]
        span: SourceSpan,
    },

    /// A value that the compared fact or field does not have.
    #[error("`{name}` is not a value of `{of}`")]
    #[diagnostic(code(E0204), help("{help}"))]
    UnknownValue {
        name: String,
        of: String,
        help: String,
        #[label("not one of `{of}`'s values")]
        span: SourceSpan,
    },

    /// `requires` names a task the step does not have.
    #[error("step `{step}` has no task `{name}`")]
    #[diagnostic(code(E0205), help("{help}"))]
    UnknownTask {
        name: String,
        step: String,
        help: String,
        #[label("not a task of this step")]
        span: SourceSpan,
    },

    /// `requires notice NAME` names a notice the procedure does not declare.
    #[error("unknown notice `{name}`")]
    #[diagnostic(code(E0216), help("{help}"))]
    UnknownNotice {
        name: String,
        help: String,
        #[label("not a declared notice")]
        span: SourceSpan,
    },

    /// A route or referral names a body that is not declared.
    #[error("unknown body `{name}`")]
    #[diagnostic(code(E0206), help("{help}"))]
    UnknownBody {
        name: String,
        help: String,
        #[label("not a declared body")]
        span: SourceSpan,
    },

    /// A calendar that is neither built in nor declared.
    #[error("unknown calendar `{name}`")]
    #[diagnostic(code(E0207), help("{help}"))]
    UnknownCalendar {
        name: String,
        help: String,
        #[label("not a known calendar")]
        span: SourceSpan,
    },

    /// A time limit counted from, or met by, an event that nothing in the
    /// procedure produces.
    #[error("no step receives an event `{name}`")]
    #[diagnostic(code(E0208), help("{help}"))]
    UnknownEvent {
        name: String,
        help: String,
        #[label("unknown event")]
        span: SourceSpan,
    },

    /// Two declarations of the same kind share a name.
    #[error("{kind} `{name}` is declared twice")]
    #[diagnostic(code(E0210), help("rename one of them, or remove the repeat"))]
    Duplicate {
        kind: String,
        name: String,
        #[label("declared again here")]
        span: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },

    /// A weekend day that is not a day of the week.
    #[error("`{name}` is not a day of the week")]
    #[diagnostic(code(E0212), help("{help}"))]
    UnknownWeekday {
        name: String,
        help: String,
        #[label("not a weekday name")]
        span: SourceSpan,
    },

    /// A body kind redress does not know.
    #[error("`{name}` is not a kind of body")]
    #[diagnostic(code(E0213), help("{help}"))]
    UnknownBodyKind {
        name: String,
        help: String,
        #[label("unknown kind")]
        span: SourceSpan,
    },

    /// One event declared with different data in two places.
    #[error("event `{event}` carries different data here than where it was first declared")]
    #[diagnostic(
        code(E0214),
        help("declare the event's data the same way everywhere, or only once")
    )]
    ConflictingEventData {
        event: String,
        #[label("declared with this data")]
        span: SourceSpan,
        #[label("first declared here")]
        first: SourceSpan,
    },

    /// Something that must be true or false is another kind of value.
    #[error("expected a condition (true or false), found a {found}")]
    #[diagnostic(
        code(E0301),
        help("compare it to make a condition, as in `received_on < 2009-01-01` or `complainant == child`")
    )]
    NotACondition {
        found: String,
        #[label("this is a {found}")]
        span: SourceSpan,
    },

    /// The two sides of a comparison have different types.
    #[error("cannot compare a {left} with a {right} using `{op}`")]
    #[diagnostic(code(E0302), help("compare values of the same type"))]
    TypeMismatch {
        op: String,
        left: String,
        right: String,
        #[label("{left} {op} {right}")]
        span: SourceSpan,
    },

    /// An ordering comparison on something without an order.
    #[error("`{op}` compares dates or durations, not a {ty}")]
    #[diagnostic(code(E0303), help("use `==` or `!=` to compare a {ty}"))]
    NotOrdered {
        op: String,
        ty: String,
        #[label("a {ty} has no order")]
        span: SourceSpan,
    },

    /// `in {…}` applied to something without named values.
    #[error("`in {{…}}` needs a fact with named values, not a {ty}")]
    #[diagnostic(
        code(E0304),
        help("declare the fact with its values, as in `fact complainant: child | young_person | adult`")
    )]
    NotAChoice {
        ty: String,
        #[label("a {ty}")]
        span: SourceSpan,
    },

    /// A duration given by a fact that is not a duration.
    #[error("fact `{name}` is a {ty}, not a duration")]
    #[diagnostic(code(E0305), help("declare it as `fact {name}: duration`"))]
    NotADuration {
        name: String,
        ty: String,
        #[label("used as a duration")]
        span: SourceSpan,
    },

    /// A setting's default is not a value of its type.
    #[error("the default of setting `{name}` is not a {ty}")]
    #[diagnostic(code(E0340), help("{help}"))]
    SettingDefault {
        name: String,
        ty: String,
        help: String,
        #[label("not a {ty}")]
        span: SourceSpan,
    },

    /// A procedure with no `start`.
    #[error("procedure `{name}` has no `start`")]
    #[diagnostic(code(E0401), help("name the first step: `start step1`"))]
    MissingStart {
        name: String,
        #[label("no start step declared in this procedure")]
        span: SourceSpan,
    },

    /// A step with no `lead`.
    #[error("step `{step}` has no lead")]
    #[diagnostic(
        code(E0402),
        help("every step has one role responsible for it: `lead complaints_manager`")
    )]
    MissingLead {
        step: String,
        #[label("no `lead` in this step")]
        span: SourceSpan,
    },

    /// A step with more than one `lead`.
    #[error("step `{step}` has more than one lead")]
    #[diagnostic(
        code(E0403),
        help("one role leads a step; others can act on its events with `by`")
    )]
    SeveralLeads {
        step: String,
        #[label("another lead")]
        span: SourceSpan,
        #[label("first lead")]
        first: SourceSpan,
    },

    /// A step no transition, escalation or `start` leads to.
    #[error("step `{step}` can never be reached")]
    #[diagnostic(
        code(W0404),
        severity(Warning),
        help("add a transition to it, or remove it")
    )]
    UnreachableStep {
        step: String,
        #[label("no path from `start` reaches this step")]
        span: SourceSpan,
    },

    /// A step from which no outcome can be reached: a case there would
    /// never end.
    #[error("no outcome can be reached from step `{step}`: a case there could never end")]
    #[diagnostic(
        code(E0405),
        help("give the step a transition, escalation or `otherwise` that leads, in the end, to an outcome")
    )]
    NoWayOut {
        step: String,
        #[label("stuck here")]
        span: SourceSpan,
    },

    /// An escalation window with nowhere to go when it closes unused.
    #[error("step `{step}` has an escalation window but no `otherwise`")]
    #[diagnostic(
        code(E0406),
        help("say where the case goes when the window closes unused: `otherwise -> resolved`")
    )]
    WindowWithoutOtherwise {
        step: String,
        #[label("window declared here")]
        span: SourceSpan,
    },

    /// Two transitions on one event whose guards can both hold.
    #[error("two transitions on `{event}` can both apply{example}")]
    #[diagnostic(
        code(E0407),
        help("give them guards that cannot both hold, or merge them")
    )]
    OverlappingTransitions {
        event: String,
        example: String,
        #[label("this transition")]
        span: SourceSpan,
        #[label("overlaps this one")]
        other: SourceSpan,
    },

    /// An extension ceiling shorter than the deadline it extends.
    #[error("the extension ceiling ({ceiling}) is shorter than the deadline ({deadline})")]
    #[diagnostic(
        code(E0408),
        help("an extension can only lengthen a deadline: raise the ceiling above the deadline")
    )]
    CeilingShorterThanDeadline {
        ceiling: String,
        deadline: String,
        #[label("ceiling")]
        span: SourceSpan,
        #[label("deadline")]
        deadline_span: SourceSpan,
    },

    /// A duration of zero or less.
    #[error("a duration must be at least 1, not {amount}")]
    #[diagnostic(code(E0409), help("give a positive number of days, weeks or months"))]
    NonPositiveDuration {
        amount: i64,
        #[label("not a positive duration")]
        span: SourceSpan,
    },

    /// A header item or `otherwise` given twice.
    #[error("`{item}` is given more than once")]
    #[diagnostic(code(E0410), help("keep one `{item}`"))]
    Repeated {
        item: String,
        #[label("given again here")]
        span: SourceSpan,
        #[label("first given here")]
        first: SourceSpan,
    },

    /// `otherwise` in a step with no escalation window.
    #[error("step `{step}` has `otherwise` but no escalation window")]
    #[diagnostic(
        code(E0411),
        help("`otherwise` says where a case goes when an `escalate` window closes unused; add one or use a transition")
    )]
    OtherwiseWithoutWindow {
        step: String,
        #[label("no window to close")]
        span: SourceSpan,
    },

    /// `start` names an outcome.
    #[error("`start` must name a step, and `{name}` is an outcome")]
    #[diagnostic(code(E0412), help("start the procedure at its first step"))]
    StartNotAStep {
        name: String,
        #[label("an outcome")]
        span: SourceSpan,
    },

    /// A deadline met by an event its step never receives.
    #[error("the deadline is met by `{event}`, which step `{step}` never receives")]
    #[diagnostic(
        code(E0413),
        help("meet it with an event of this step: one of its transitions, tasks or escalations")
    )]
    MetByElsewhere {
        event: String,
        step: String,
        #[label("not received in this step")]
        span: SourceSpan,
    },

    /// `escalate to` an outcome.
    #[error("`escalate to` must name a step, and `{name}` is an outcome")]
    #[diagnostic(
        code(E0414),
        help("escalation opens a further step; to end the case use a transition: `on {name}_requested -> {name}`")
    )]
    EscalationToOutcome {
        name: String,
        #[label("an outcome")]
        span: SourceSpan,
    },

    /// `reopens` on a transition that leaves its step.
    #[error("`reopens` is only for a transition that stays in step `{step}`")]
    #[diagnostic(
        code(E0417),
        help("entering another step starts its tasks afresh; to send work back within a step, target the step itself: `-> {step}`")
    )]
    ReopensOutsideStep {
        step: String,
        #[label("this transition leaves the step")]
        span: SourceSpan,
    },

    /// `lead x, different from NAME` where NAME is an outcome or the step
    /// itself.
    #[error("`different from` must name another step, and `{name}` is not one")]
    #[diagnostic(
        code(E0440),
        help("name an earlier step whose lead must be someone else, as in `lead reviewer, different from stage1`")
    )]
    DifferentFromNotAnotherStep {
        name: String,
        step: String,
        #[label("an outcome, or step `{step}` itself")]
        span: SourceSpan,
    },

    /// `, at most 0 times` on an extendable deadline.
    #[error("`at most {times}` allows no extension")]
    #[diagnostic(
        code(E0442),
        help("write `at most once` or `at most 2 times`; for a deadline that may not be extended, leave out `extendable`")
    )]
    AtMostNone {
        times: i64,
        #[label("at least once")]
        span: SourceSpan,
    },

    /// `, with notice to ROLE` where no notice goes to that role.
    #[error("an extension needs notice to `{role}`, but no notice goes to `{role}`")]
    #[diagnostic(
        code(E0443),
        help("declare the notice and what it must say: `notice extension_notice to {role} \"Extension letter\" includes reason, new_date`")
    )]
    NoNoticeToRole {
        role: String,
        #[label("no `notice … to {role}` is declared")]
        span: SourceSpan,
    },

    /// `starts NAME` where no `track NAME` is declared.
    #[error("`starts {name}` names no track")]
    #[diagnostic(
        code(E0460),
        help("declare it at the procedure's level: `track {name} \"Title\" {{ task … on EVENT -> done }}`{known}")
    )]
    UnknownTrack {
        name: String,
        /// ", or start one of: a, b" when tracks are declared.
        known: String,
        #[label("no `track {name}` in this procedure")]
        span: SourceSpan,
    },

    /// A track with no `on E -> done`: once started it could never finish,
    /// and the case could never be fully closed.
    #[error("track `{name}` never finishes")]
    #[diagnostic(
        code(E0461),
        help("say which event finishes it, as in `on actions_completed -> done`")
    )]
    TrackWithoutDone {
        name: String,
        #[label("no `on EVENT -> done` in this track")]
        span: SourceSpan,
    },

    /// An event a track takes (a task or `-> done`) that a step, `anywhere`,
    /// another track or the built-ins also use: an event goes to one line
    /// of work only.
    #[error("event `{event}` of track `{track}` is also used by {other}")]
    #[diagnostic(
        code(E0462),
        help("give the track an event of its own, as in `on {event}_done -> done`: a track runs beside the steps, and an event both could take would be ambiguous")
    )]
    TrackEventShared {
        event: String,
        track: String,
        other: String,
        #[label("already an event of {other}")]
        span: SourceSpan,
    },

    /// `role x, not also x`.
    #[error("role `{role}` cannot exclude itself")]
    #[diagnostic(
        code(E0441),
        help("`not also` names the other roles one person may not hold besides `{role}`")
    )]
    RoleNotAlsoItself {
        role: String,
        #[label("the role being declared")]
        span: SourceSpan,
    },

    /// `, members 0` (or `at least 0`, `0 to 3`, a negative count): a
    /// panel no one sits on.
    #[error("role `{role}` is a panel of no members (`members {written}`)")]
    #[diagnostic(
        code(E0445),
        help("a panel has at least one member: write `members 3` for exactly three, `members at least 2`, or `members 2 to 4`; for a role one person holds, leave out `members`")
    )]
    PanelWithoutMembers {
        role: String,
        written: String,
        #[label("at least 1")]
        span: SourceSpan,
    },

    /// `, members 4 to 2`.
    #[error("the panel `{role}` runs from {low} members down to {high}")]
    #[diagnostic(
        code(E0446),
        help("write the smaller number first: `members {high} to {low}`")
    )]
    PanelRangeUpsideDown {
        role: String,
        low: i64,
        high: i64,
        #[label("the smaller number first")]
        span: SourceSpan,
    },

    /// `, members 1, chair`: one member has no one else to chair.
    #[error("the panel `{role}` has one member, so it has no one to chair")]
    #[diagnostic(
        code(E0447),
        help("leave out `chair`, or let the panel sit with more members (`members at least 2`, `members 2 to 4`)")
    )]
    ChairOfOne {
        role: String,
        #[label("a panel of one member")]
        span: SourceSpan,
    },

    /// A declared calendar whose weekend has every day.
    #[error("calendar `{name}` has no working days")]
    #[diagnostic(code(E0415), help("list at most six days under `weekend`"))]
    NoWorkingDays {
        name: String,
        #[label("every day is a weekend day")]
        span: SourceSpan,
    },

    /// `on entry when … -> S` inside step `S`.
    #[error("`on entry` in step `{step}` leads back to step `{step}`")]
    #[diagnostic(
        code(E0430),
        help("`on entry` sends a case straight on from the step it enters; name another step or an outcome")
    )]
    EntryMoveToItself {
        step: String,
        #[label("the step itself")]
        span: SourceSpan,
    },

    /// `anywhere on E -> S` where S is a step.
    #[error("`anywhere` must end the case, and `{name}` is a step")]
    #[diagnostic(
        code(E0434),
        help("`anywhere` applies in every open step, so it may only lead to an outcome; to move to a step, write `on …` in the steps it applies to")
    )]
    AnywhereToStep {
        name: String,
        #[label("a step")]
        span: SourceSpan,
    },

    /// `on missed D` where D is not a deadline of the step.
    #[error("step `{step}` has no deadline `{name}` to miss")]
    #[diagnostic(code(E0432), help("{help}"))]
    MissedUnknownDeadline {
        name: String,
        step: String,
        help: String,
        #[label("not a deadline of this step")]
        span: SourceSpan,
    },

    /// `on missed D -> S` inside step `S`.
    #[error("`on missed` in step `{step}` leads back to step `{step}`")]
    #[diagnostic(
        code(E0433),
        help("a missed deadline moves the case on: name another step, such as the next stage, or an outcome")
    )]
    MissedToItself {
        step: String,
        #[label("the step itself")]
        span: SourceSpan,
    },

    /// `missed D` in a condition where D is not a deadline that can be
    /// read there: in a step, one of the step's own deadlines; in a route
    /// declared for the whole procedure, a deadline of any step.
    #[error("{place} has no deadline `{name}` for `missed` to read")]
    #[diagnostic(code(E0436), help("{help}"))]
    MissedGuardUnknownDeadline {
        name: String,
        place: String,
        help: String,
        #[label("not a deadline here")]
        span: SourceSpan,
    },

    /// `missed D` outside a transition's or a route's condition.
    #[error("`missed {name}` can only be read in a transition's or a route's condition")]
    #[diagnostic(
        code(E0437),
        help("whether a deadline, task or other rule applies cannot hang on a deadline being missed (a deadline reading its own `missed` would never settle); to move the case when a deadline passes unmet, write `on missed {name} -> NEXT`")
    )]
    MissedGuardNotReadable {
        name: String,
        #[label("read here")]
        span: SourceSpan,
    },

    /// A route in an outcome's block whose condition is false whenever
    /// the case has closed (`when not closed`): it is read only after the
    /// outcome, so it could never open.
    #[error("this route of outcome `{outcome}` can never open: `{condition}` is false once the case has closed")]
    #[diagnostic(
        code(E0438),
        help("a route in an outcome's block is read only after the case closes with `{outcome}`; drop the condition on `closed`, or move the route to the procedure or a step to offer it while the case is open")
    )]
    OutcomeRouteNeverOpens {
        outcome: String,
        condition: String,
        #[label("false whenever the case has closed")]
        span: SourceSpan,
    },

    /// `otherwise when …` with no unguarded `otherwise` after it.
    #[error("{}", if *last { format!("the unguarded `otherwise` of step `{step}` must come after every `otherwise when`") } else { format!("step `{step}` has `otherwise when …` but no unguarded `otherwise`") })]
    #[diagnostic(
        code(E0431),
        help("end the list with `otherwise -> TARGET` for a case none of the conditions fits; the first that holds is taken")
    )]
    OtherwiseWhenWithoutDefault {
        step: String,
        last: bool,
        #[label("{}", if *last { "move this after the guarded ones" } else { "a case none of these fits has nowhere to go" })]
        span: SourceSpan,
    },

    /// A closure period whose last day comes before its first.
    #[error("the closure period ends on {until}, before it starts on {from}")]
    #[diagnostic(
        code(E0418),
        help("write the first day, then `..`, then the last: `closed {until}..{from}`")
    )]
    ClosureBackwards {
        from: String,
        until: String,
        #[label("ends before it starts")]
        span: SourceSpan,
    },

    /// A closure day outside the years calendars cover.
    #[error("{date} is outside the years calendars cover ({first} to {last})")]
    #[diagnostic(code(E0416), help("closure days must fall from {first} to {last}"))]
    DateOutOfRange {
        date: String,
        first: i32,
        last: i32,
        #[label("out of range")]
        span: SourceSpan,
    },

    /// A path whose worst case is longer than the procedure's `limit`
    /// (found by `analysis::paths`, raised by `compile`).
    #[error("a path can take longer than the limit of {limit}; the longest, {days} working days, is {path}")]
    #[diagnostic(
        code(W0508),
        severity(Warning),
        help("shorten a deadline or ceiling on the path, or bound its loops; `redress paths` shows the longest path and its worst case")
    )]
    LimitExceeded {
        /// As written, with its length in working days when in another unit.
        limit: String,
        days: u32,
        path: String,
        #[label("the limit")]
        span: SourceSpan,
    },

    /// A role that nothing refers to.
    #[error("role `{name}` is never used")]
    #[diagnostic(
        code(W0501),
        severity(Warning),
        help("lead a step with it, name it in a `by`, or remove it")
    )]
    UnusedRole {
        name: String,
        #[label("declared here")]
        span: SourceSpan,
    },

    /// A fact that no guard or duration reads.
    #[error("fact `{name}` is never used")]
    #[diagnostic(
        code(W0502),
        severity(Warning),
        help("use it in a guard or a duration, or remove it")
    )]
    UnusedFact {
        name: String,
        #[label("declared here")]
        span: SourceSpan,
    },

    /// A setting that no guard or duration reads: W0502 as for a fact,
    /// said as what it is.
    #[error("setting `{name}` is never used")]
    #[diagnostic(
        code(W0502),
        severity(Warning),
        help("use it in a guard or a duration, or remove it")
    )]
    UnusedSetting {
        name: String,
        #[label("declared here")]
        span: SourceSpan,
    },

    /// A step without a citation in a procedure that has a source.
    #[error("step `{step}` does not cite the source")]
    #[diagnostic(
        code(W0503),
        severity(Warning),
        help("cite the paragraph the step comes from: `step {step} \"…\" cite \"2.1\" {{`")
    )]
    StepWithoutCite {
        step: String,
        #[label("no `cite`")]
        span: SourceSpan,
    },

    /// A deadline without a citation in a procedure that has a source.
    #[error("deadline `{name}` does not cite the source")]
    #[diagnostic(
        code(W0504),
        severity(Warning),
        help("cite the paragraph that sets the timescale: `… cite \"2.1\"`")
    )]
    DeadlineWithoutCite {
        name: String,
        #[label("no `cite`")]
        span: SourceSpan,
    },

    /// A citation label that is not one of the declared paragraphs.
    #[error("`{label}` is not one of the source's paragraphs")]
    #[diagnostic(code(W0505), severity(Warning), help("{help}"))]
    CiteNotAParagraph {
        label: String,
        help: String,
        #[label("not listed under `paragraphs`")]
        span: SourceSpan,
    },

    /// An external body no route or referral leads to.
    #[error("body `{name}` is never used")]
    #[diagnostic(
        code(W0506),
        severity(Warning),
        help("add `route to {name}` or `refer to {name}`, or remove it")
    )]
    UnusedBody {
        name: String,
        #[label("declared here")]
        span: SourceSpan,
    },

    /// An outcome nothing leads to.
    #[error("outcome `{name}` is never reached")]
    #[diagnostic(
        code(W0507),
        severity(Warning),
        help("lead a transition to it, or remove it")
    )]
    UnusedOutcome {
        name: String,
        #[label("declared here")]
        span: SourceSpan,
    },

    /// `+` or `-` on something other than a date and a duration.
    #[error("`{op}` moves a date by a duration; found a {left} {op} a {right}")]
    #[diagnostic(
        code(E0307),
        help("put the date first and a duration after it: `incident_date + 12 months`, `received - 12 months`, `date of response_sent + 20 working days`; two dates are compared with `<`, `<=`, `>`, `>=`, never added")
    )]
    DateArithmetic {
        op: String,
        left: String,
        right: String,
        #[label("{left} {op} {right}")]
        span: SourceSpan,
    },

    /// `latest(…)` or `earliest(…)` of something that is not a date.
    #[error("`{function}(…)` takes dates; this is a {found}")]
    #[diagnostic(
        code(E0308),
        help("give it dates: date facts, `received`, `today`, `date of EVENT`, or a date moved by a duration, as in `latest(incident_date, aware_on)`")
    )]
    NotADate {
        function: String,
        found: String,
        #[label("not a date")]
        span: SourceSpan,
    },

    /// A fact named by a word that guards reserve for a date every case has.
    #[error("a fact cannot be called `{name}`: in conditions `{name}` means {meaning}")]
    #[diagnostic(
        code(E0215),
        help("rename the fact, for example `{name}_on` or `{name}_date`")
    )]
    ReservedFactName {
        name: String,
        meaning: String,
        #[label("reserved word")]
        span: SourceSpan,
    },

    /// `extendable to` the deadline's own length: a ceiling is the total, so
    /// this allows no extension at all, though it reads like "may be
    /// extended by up to 10 working days" (the Housing Code's wording).
    #[error(
        "the extension ceiling ({ceiling}) is the deadline itself, so no extension is possible"
    )]
    #[diagnostic(
        code(W0406),
        severity(Warning),
        help("`extendable to` gives the total time, not the extra: for \"may be extended by up to 10 working days\" on a 10-working-day deadline write `extendable to 20 working days`; if no extension is allowed, remove the clause")
    )]
    CeilingEqualsDeadline {
        ceiling: String,
        #[label("the same length as the deadline")]
        span: SourceSpan,
        #[label("deadline")]
        deadline_span: SourceSpan,
    },

    /// Two windows for the same request, counted the same way from the same
    /// anchor, where one is never shorter: the other adds nothing.
    #[error("the window for `{event}` of {inner} is always inside the one of {outer}")]
    #[diagnostic(
        code(W0405),
        severity(Warning),
        help("a request is in time when it is inside any of its windows, so the shorter one changes nothing: remove it, or count it from another anchor (\"within 2 months of response_sent\" beside \"within 6 months of aware\")")
    )]
    WindowInsideWindow {
        event: String,
        inner: String,
        outer: String,
        #[label("always inside the other window")]
        span: SourceSpan,
        #[label("this window contains it")]
        other: SourceSpan,
    },

    /// A time limit counted from, or ending on, something that is not a date.
    #[error("a time limit counts from or to a date; `{text}` is a {found}")]
    #[diagnostic(
        code(E0309),
        help("count from an event, `entry`, a `date` fact or `latest(…)`/`earliest(…)` of dates: `deadline response 6 months beginning with incident_date`, `escalate to stage2 on stage2_requested until latest(response_sent + 2 months, aware_on + 6 months)`")
    )]
    NotADateAnchor {
        text: String,
        found: String,
        #[label("not a date")]
        span: SourceSpan,
    },
}
