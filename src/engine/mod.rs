//! Replaying a case against a compiled procedure.
//!
//! Architecture invariant: the engine does no I/O and reads only the IR
//! ([`Procedure`]), a [`Calendar`] and a [`Case`]. The same semantics serve
//! `redress run`, `redress test` and simulation.
//!
//! Semantics, in brief (docs/cases.md has them in full):
//! - events are taken in order; the first is `received`, which enters the
//!   start step;
//! - entering a step applies its `refuse` rules, then its `reject` rules,
//!   then starts its deadlines (from entry, or from the latest occurrence of
//!   an event) and its tasks' own deadlines;
//! - a deadline is met by one of its `met by` events, or by leaving the step
//!   when it has none; met after its due date, or left unmet past it, it is
//!   a breach;
//! - `paused` stops a step's clocks until `resumed`: due dates move by the
//!   working days (or days) in between;
//! - an escalation window closes at the end of its last day; when every
//!   window of a step has closed unused, `otherwise` moves the case on the
//!   next day by itself.

mod error;
mod report;

use chrono::{Duration as Days, NaiveDate};

use crate::calendar::Calendar;
use crate::check::describe_duration;
use crate::check::ir::{
    Anchor, DurationSpec, Env, EventId, Expr, Extension, FactId, Procedure, Refusal, RoleId, Step,
    StepId, Target, Unit, Value,
};

pub use error::{ReplayError, ReplayErrorKind};
pub use report::{
    ActiveStep, Breach, DeadlineReport, NextEvent, OutcomeReport, ProcedureRef, Report,
    RouteReport, Status, TaskReport, TimelineEntry, WindowReport,
};

/// A complaint case: its facts and its events, resolved against a
/// procedure (names are indices).
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: String,
    /// Each fact's value by [`FactId`]; `None` when the case does not give it.
    pub facts: Vec<Option<Value>>,
    pub events: Vec<CaseEvent>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseEvent {
    pub on: NaiveDate,
    pub event: EventId,
    pub by: Option<RoleId>,
    /// The event's data fields, by position in its declaration.
    pub data: Vec<Option<Value>>,
    /// For `extended`: the new due date, or how much longer.
    pub extension: Option<ExtensionRequest>,
    /// For `extended`: which deadline, when the step has several.
    pub deadline: Option<String>,
    /// For `paused`: which pause rule, when the step has several.
    pub pause: Option<String>,
    /// For `paused`: who agreed to it, where the rule needs agreement.
    pub agreed_by: Option<RoleId>,
    /// Facts that became known with this event.
    pub facts: Vec<(FactId, Value)>,
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionRequest {
    Until(NaiveDate),
    By(u32, Unit),
}

/// A time limit running in the active step: a deadline, or a task's own.
/// It keeps its whole history so that its due date can be explained.
#[derive(Clone, Debug)]
struct Clock {
    anchor: Option<NaiveDate>,
    /// The anchor plus the rule's duration, before pauses and extensions.
    rule_due: Option<NaiveDate>,
    unit: Unit,
    /// The last extension: (agreed on, new due date).
    extended: Option<(NaiveDate, NaiveDate)>,
    /// Every pause while the clock ran, as (paused, resumed).
    pauses: Vec<(NaiveDate, NaiveDate)>,
    met: Option<NaiveDate>,
}

impl Clock {
    /// The date the pauses apply to, and the pauses that move it: an
    /// extension sets a new date, which only later pauses move.
    fn base_and_pauses(&self) -> Option<(NaiveDate, &[(NaiveDate, NaiveDate)])> {
        match self.extended {
            Some((on, until)) => {
                let first_after = self.pauses.partition_point(|(from, _)| *from < on);
                Some((until, &self.pauses[first_after..]))
            }
            None => Some((self.rule_due?, &self.pauses[..])),
        }
    }
}

#[derive(Clone, Debug)]
struct Active {
    step: StepId,
    entered: NaiveDate,
    deadlines: Vec<Clock>,
    task_done: Vec<Option<NaiveDate>>,
    task_clocks: Vec<Option<Clock>>,
    /// Since when, and under which pause rule.
    paused: Option<(NaiveDate, usize)>,
    /// A `reject` (by position) turned the complaint away; it may be
    /// resubmitted.
    rejected: Option<usize>,
}

#[derive(Clone, Debug)]
enum Phase {
    NotReceived,
    InStep(Box<Active>),
    Closed {
        outcome: String,
        is_final: bool,
        text: Option<String>,
        on: NaiveDate,
        last_step: Option<StepId>,
    },
}

struct Engine<'a> {
    procedure: &'a Procedure,
    calendar: &'a Calendar,
    facts: Vec<Option<Value>>,
    /// The latest date each event occurred.
    last_seen: Vec<Option<NaiveDate>>,
    phase: Phase,
    timeline: Vec<TimelineEntry>,
    breaches: Vec<Breach>,
    /// The event being processed, for errors.
    current: usize,
    /// Whether to keep the timeline (a report needs it; simulation does not).
    recording: bool,
}

struct Guarded<'a> {
    facts: &'a [Option<Value>],
    params: &'a [Option<Value>],
}

impl Env for Guarded<'_> {
    fn fact(&self, fact: FactId) -> Option<Value> {
        self.facts.get(fact.index()).cloned().flatten()
    }
    fn param(&self, index: u32) -> Option<Value> {
        self.params.get(index as usize).cloned().flatten()
    }
}

const NO_PARAMS: &[Option<Value>] = &[];

/// What needs a fact: named only when the fact is missing, so that the
/// replay loop builds no message it does not use.
#[derive(Clone, Copy)]
enum Need<'n> {
    Task(&'n str),
    Deadline(&'n str),
    Window(&'n str),
    Refusal(&'n str),
    Rejection(&'n str),
    Transition(&'n str),
    Ceiling,
    Route,
}

impl Need<'_> {
    fn describe(self) -> String {
        match self {
            Need::Task(t) => format!("task `{t}`"),
            Need::Deadline(d) => format!("deadline `{d}`"),
            Need::Window(e) => format!("the window for `{e}`"),
            Need::Refusal(s) => format!("a refusal of step `{s}`"),
            Need::Rejection(s) => format!("a rejection in step `{s}`"),
            Need::Transition(e) => format!("the transition on `{e}`"),
            Need::Ceiling => "the extension ceiling".to_string(),
            Need::Route => "a route".to_string(),
        }
    }
}

/// A case replayed up to a date: its state, from which a [`Report`] can
/// be built. Simulation reads the state without building reports.
pub struct Replayed<'a> {
    engine: Engine<'a>,
    at: NaiveDate,
}

impl Replayed<'_> {
    /// The state as of the replay's date, for people and tools.
    pub fn report(&self, case: &Case) -> Report {
        self.engine.report(case, self.at)
    }

    /// The outcome reached, if the case has ended.
    pub fn outcome(&self) -> Option<&str> {
        match &self.engine.phase {
            Phase::Closed { outcome, .. } => Some(outcome),
            _ => None,
        }
    }

    /// The deadlines met late or left unmet past their due date.
    pub fn breaches(&self) -> &[Breach] {
        &self.engine.breaches
    }
}

/// Replays `case` and reports its state as of `at`. Events dated after `at`
/// are not applied.
pub fn replay(
    procedure: &Procedure,
    calendar: &Calendar,
    case: &Case,
    at: NaiveDate,
) -> Result<Report, ReplayError> {
    replay_to(procedure, calendar, case, at).map(|r| r.report(case))
}

/// Replays `case` up to `at` without building a report.
pub fn replay_to<'a>(
    procedure: &'a Procedure,
    calendar: &'a Calendar,
    case: &Case,
    at: NaiveDate,
) -> Result<Replayed<'a>, ReplayError> {
    let mut engine = Engine {
        procedure,
        calendar,
        facts: case.facts.clone(),
        last_seen: vec![None; procedure.events.len()],
        phase: Phase::NotReceived,
        timeline: Vec::new(),
        breaches: Vec::new(),
        current: 0,
        recording: true,
    };
    for (i, event) in case.events.iter().enumerate() {
        if event.on > at {
            break;
        }
        engine.current = i;
        engine.process(event).map_err(|(kind, key)| ReplayError {
            event: i,
            key,
            kind,
        })?;
    }
    engine.current = case.events.len().saturating_sub(1);
    engine
        .advance_to(at + Days::days(1))
        .map_err(|kind| ReplayError {
            event: engine.current,
            key: None,
            kind,
        })?;
    Ok(Replayed { engine, at })
}

/// A case run event by event, as simulation drives it: the same semantics
/// as [`replay`], without a timeline.
pub struct Session<'a> {
    engine: Engine<'a>,
}

/// Where a case stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    NotReceived,
    InStep {
        step: StepId,
        entered: NaiveDate,
        /// Turned away by a `reject`, awaiting resubmission.
        turned_away: bool,
    },
    Closed {
        on: NaiveDate,
    },
}

impl<'a> Session<'a> {
    pub fn new(
        procedure: &'a Procedure,
        calendar: &'a Calendar,
        facts: Vec<Option<Value>>,
    ) -> Session<'a> {
        Session {
            engine: Engine {
                procedure,
                calendar,
                facts,
                last_seen: vec![None; procedure.events.len()],
                phase: Phase::NotReceived,
                timeline: Vec::new(),
                breaches: Vec::new(),
                current: 0,
                recording: false,
            },
        }
    }

    /// Applies one event, after any automatic moves due before its date.
    pub fn apply(&mut self, event: &CaseEvent) -> Result<(), ReplayErrorKind> {
        self.engine.process(event).map_err(|(kind, _)| kind)
    }

    /// Applies the automatic moves due before `date` (windows closing).
    pub fn advance_to(&mut self, date: NaiveDate) -> Result<(), ReplayErrorKind> {
        self.engine.advance_to(date)
    }

    pub fn position(&self) -> Position {
        match &self.engine.phase {
            Phase::NotReceived => Position::NotReceived,
            Phase::InStep(a) => Position::InStep {
                step: a.step,
                entered: a.entered,
                turned_away: a.rejected.is_some(),
            },
            Phase::Closed { on, .. } => Position::Closed { on: *on },
        }
    }

    /// The outcome reached, once closed (`withdrawn` after a withdrawal).
    pub fn outcome(&self) -> Option<&str> {
        match &self.engine.phase {
            Phase::Closed { outcome, .. } => Some(outcome),
            _ => None,
        }
    }

    /// When the current step's last escalation window closes, once every
    /// window has opened.
    pub fn last_window_close(&self) -> Option<NaiveDate> {
        let Phase::InStep(a) = &self.engine.phase else {
            return None;
        };
        let step = self.engine.step(a.step);
        self.engine
            .last_window_close(step, a.entered)
            .ok()
            .flatten()
    }

    /// When the window for `event` in the current step closes.
    pub fn window_close(&self, event: EventId) -> Option<NaiveDate> {
        let Phase::InStep(a) = &self.engine.phase else {
            return None;
        };
        let step = self.engine.step(a.step);
        let e = step.escalations.iter().find(|e| e.event == event)?;
        self.engine
            .window_close(e.within, e.anchor, a.entered, "")
            .ok()
            .flatten()
    }

    /// The latest date an event happened in this case.
    pub fn last_seen(&self, event: EventId) -> Option<NaiveDate> {
        self.engine.last_seen.get(event.index()).copied().flatten()
    }

    pub fn facts(&self) -> &[Option<Value>] {
        &self.engine.facts
    }

    pub fn breaches(&self) -> &[Breach] {
        &self.engine.breaches
    }
}

/// `a, b, c`, for messages that say what a step has.
fn listed<'n>(names: impl Iterator<Item = &'n str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

type Failure = (ReplayErrorKind, Option<&'static str>);

fn fail(kind: ReplayErrorKind) -> Failure {
    (kind, None)
}

fn cal_error(e: crate::calendar::CalendarError) -> ReplayErrorKind {
    ReplayErrorKind::DateOutOfRange {
        message: e.to_string(),
    }
}

impl<'a> Engine<'a> {
    fn step(&self, id: StepId) -> &'a Step {
        &self.procedure.steps[id.index()]
    }

    fn event_name(&self, id: EventId) -> &'a str {
        &self.procedure.events[id.index()].name
    }

    fn role_name(&self, id: RoleId) -> &'a str {
        &self.procedure.roles[id.index()].name
    }

    fn add(&self, date: NaiveDate, amount: i64, unit: Unit) -> Result<NaiveDate, ReplayErrorKind> {
        match unit {
            Unit::WorkingDays => self.calendar.add_working_days(date, amount),
            Unit::Days => self.calendar.add_days(date, amount),
            Unit::Weeks => self.calendar.add_weeks(date, amount),
            Unit::Months => self.calendar.add_months(date, amount),
        }
        .map_err(cal_error)
    }

    fn duration(&self, spec: DurationSpec, need: Need<'_>) -> Result<(u32, Unit), ReplayErrorKind> {
        match spec {
            DurationSpec::Fixed { amount, unit } => Ok((amount, unit)),
            DurationSpec::Fact(f) => match self.facts.get(f.index()).cloned().flatten() {
                Some(Value::Duration(amount, unit)) => Ok((amount, unit)),
                _ => Err(ReplayErrorKind::MissingFact {
                    fact: self.procedure.facts[f.index()].name.clone(),
                    needed_by: need.describe(),
                }),
            },
        }
    }

    /// Whether a guard holds; a missing input is an error naming it.
    fn holds(
        &self,
        guard: &Expr,
        params: &[Option<Value>],
        need: Need<'_>,
    ) -> Result<bool, ReplayErrorKind> {
        let env = Guarded {
            facts: &self.facts,
            params,
        };
        if let Some(b) = guard.holds(&env) {
            return Ok(b);
        }
        let mut facts = Vec::new();
        let mut fields = Vec::new();
        guard.inputs(&mut facts, &mut fields);
        let missing = facts
            .iter()
            .find(|f| self.facts.get(f.index()).cloned().flatten().is_none())
            .map(|f| self.procedure.facts[f.index()].name.clone())
            .unwrap_or_else(|| "an event field".to_string());
        Err(ReplayErrorKind::MissingFact {
            fact: missing,
            needed_by: need.describe(),
        })
    }

    fn applies(&self, guard: &Option<Expr>, need: Need<'_>) -> Result<bool, ReplayErrorKind> {
        match guard {
            Some(g) => self.holds(g, NO_PARAMS, need),
            None => Ok(true),
        }
    }

    fn anchor_date(&self, anchor: Anchor, entered: NaiveDate) -> Option<NaiveDate> {
        match anchor {
            Anchor::Entry => Some(entered),
            Anchor::Event(e) => self.last_seen[e.index()],
        }
    }

    fn new_clock(
        &self,
        spec: DurationSpec,
        anchor: Option<NaiveDate>,
        need: Need<'_>,
    ) -> Result<Clock, ReplayErrorKind> {
        let (amount, unit) = self.duration(spec, need)?;
        let rule_due = match anchor {
            Some(a) => Some(self.add(a, i64::from(amount), unit)?),
            None => None,
        };
        Ok(Clock {
            anchor,
            rule_due,
            unit,
            extended: None,
            pauses: Vec::new(),
            met: None,
        })
    }

    /// The clock's due date, its pauses and extension applied.
    fn due(&self, clock: &Clock) -> Option<NaiveDate> {
        let (mut due, pauses) = clock.base_and_pauses()?;
        self.shift_by_pauses(&mut due, pauses, clock.unit)?;
        Some(due)
    }

    /// Moves `due` by the time each pause lasted, in the clock's unit.
    fn shift_by_pauses(
        &self,
        due: &mut NaiveDate,
        pauses: &[(NaiveDate, NaiveDate)],
        unit: Unit,
    ) -> Option<()> {
        for (from, to) in pauses {
            let shift = match unit {
                Unit::WorkingDays => self.calendar.working_days_between(*from, *to).ok()?,
                _ => (*to - *from).num_days(),
            };
            *due = self.add(*due, shift, unit).ok()?;
        }
        Some(())
    }

    /// Applies the automatic moves due up to (not including) `date`: when
    /// every escalation window of the step has closed unused, `otherwise`
    /// takes the case on the day after the last one closed.
    fn advance_to(&mut self, date: NaiveDate) -> Result<(), ReplayErrorKind> {
        loop {
            let Phase::InStep(active) = &self.phase else {
                return Ok(());
            };
            if active.paused.is_some() || active.rejected.is_some() {
                return Ok(());
            }
            let step = self.step(active.step);
            let Some(otherwise) = &step.otherwise else {
                return Ok(());
            };
            let Some(last_close) = self.last_window_close(step, active.entered)? else {
                return Ok(());
            };
            let moves_on = last_close + Days::days(1);
            if moves_on >= date {
                return Ok(());
            }
            let target = otherwise.target;
            self.leave(moves_on);
            self.log(|procedure| TimelineEntry {
                on: moves_on,
                event: "window closed".to_string(),
                from: Some(step.name.clone()),
                to: Some(procedure.target_name(target).to_string()),
                automatic: true,
                cite: otherwise.cites.clone(),
                note: Some(format!("no request by {last_close}")),
            });
            self.enter(target, moves_on)?;
        }
    }

    /// The date the step's last window closes, if every window has opened.
    fn last_window_close(
        &self,
        step: &Step,
        entered: NaiveDate,
    ) -> Result<Option<NaiveDate>, ReplayErrorKind> {
        let mut last = None;
        for e in &step.escalations {
            let Some(close) =
                self.window_close(e.within, e.anchor, entered, self.event_name(e.event))?
            else {
                return Ok(None);
            };
            last = Some(last.map_or(close, |l: NaiveDate| l.max(close)));
        }
        Ok(last)
    }

    fn window_close(
        &self,
        within: DurationSpec,
        anchor: Anchor,
        entered: NaiveDate,
        event: &str,
    ) -> Result<Option<NaiveDate>, ReplayErrorKind> {
        let Some(from) = self.anchor_date(anchor, entered) else {
            return Ok(None);
        };
        let (amount, unit) = self.duration(within, Need::Window(event))?;
        Ok(Some(self.add(from, i64::from(amount), unit)?))
    }

    fn process(&mut self, event: &CaseEvent) -> Result<(), Failure> {
        let name = self.event_name(event.event);
        // A late request is refused with the date its window closed, before
        // the automatic move would make it merely "not allowed".
        if let Phase::InStep(active) = &self.phase {
            let step = self.step(active.step);
            if let Some(esc) = step.escalations.iter().find(|e| e.event == event.event) {
                if active.paused.is_none() && active.rejected.is_none() {
                    if let Some(closed) = self
                        .window_close(esc.within, esc.anchor, active.entered, name)
                        .map_err(fail)?
                    {
                        if event.on > closed {
                            return Err(fail(ReplayErrorKind::WindowClosed {
                                event: name.to_string(),
                                on: event.on,
                                closed,
                            }));
                        }
                    }
                }
            }
        }
        self.advance_to(event.on).map_err(fail)?;
        for (fact, value) in &event.facts {
            self.facts[fact.index()] = Some(value.clone());
        }

        match &self.phase {
            Phase::NotReceived if name != "received" => {
                return Err(fail(ReplayErrorKind::NotAllowed {
                    event: name.to_string(),
                    on: event.on,
                    step: "(none yet)".into(),
                    allowed: "a case starts with `received`".into(),
                }))
            }
            Phase::NotReceived => {
                self.last_seen[event.event.index()] = Some(event.on);
                let start = self.step(self.procedure.start);
                self.record(event, None, Some(&start.name), &start.cites);
                return self
                    .enter(Target::Step(self.procedure.start), event.on)
                    .map_err(fail);
            }
            Phase::Closed { outcome, on, .. } => {
                return Err(fail(ReplayErrorKind::AfterEnd {
                    event: name.to_string(),
                    on: event.on,
                    outcome: outcome.clone(),
                    ended: *on,
                }))
            }
            Phase::InStep(_) => {}
        }
        // The step's state is moved out while this event works on it, and put
        // back (or replaced) before anything reads `self.phase` again.
        let mut active = match std::mem::replace(&mut self.phase, Phase::NotReceived) {
            Phase::InStep(active) => active,
            other => {
                self.phase = other;
                return Ok(());
            }
        };
        self.last_seen[event.event.index()] = Some(event.on);
        let step = self.step(active.step);

        if name == "withdrawn" {
            let step_id = active.step;
            self.phase = Phase::InStep(active);
            self.leave(event.on);
            self.record(event, Some(&step.name), Some("withdrawn"), &[]);
            self.phase = Phase::Closed {
                outcome: "withdrawn".into(),
                is_final: false,
                text: Some("The complainant withdrew the complaint".into()),
                on: event.on,
                last_step: Some(step_id),
            };
            return Ok(());
        }
        if let Some(reject) = active.rejected {
            if name != "resubmitted" {
                return Err(self.not_allowed(event, &active));
            }
            let step_id = active.step;
            self.phase = Phase::InStep(active);
            self.record(
                event,
                Some(&step.name),
                Some(&step.name),
                &step.rejects[reject].cites,
            );
            return self.enter(Target::Step(step_id), event.on).map_err(fail);
        }
        if let Some((since, rule)) = active.paused {
            if name != "resumed" {
                return Err(self.not_allowed(event, &active));
            }
            for clock in active
                .deadlines
                .iter_mut()
                .chain(active.task_clocks.iter_mut().flatten())
            {
                if clock.met.is_none() {
                    clock.pauses.push((since, event.on));
                }
            }
            active.paused = None;
            let cites = step.pauses[rule].cites.clone();
            self.phase = Phase::InStep(active);
            self.record(event, None, None, &cites);
            return Ok(());
        }
        match name {
            "paused" => return self.pause(event, active),
            "resumed" => {
                return Err(fail(ReplayErrorKind::PauseRefused {
                    reason: format!("`resumed` on {} but the case is not paused", event.on),
                    help: "record `paused` first".into(),
                }))
            }
            "extended" => return self.extend(event, active),
            _ => {}
        }
        self.handle(event, active)
    }

    /// Adds an entry to the timeline. The entry is built only when a
    /// timeline is kept, so simulation makes none of its strings.
    fn log(&mut self, entry: impl FnOnce(&'a Procedure) -> TimelineEntry) {
        if self.recording {
            self.timeline.push(entry(self.procedure));
        }
    }

    /// Logs a refusal or rejection the procedure made on entering `step`.
    fn log_exit(&mut self, what: &str, step: &'a Step, exit: &'a Refusal, on: NaiveDate) {
        self.log(|procedure| TimelineEntry {
            on,
            event: what.into(),
            from: Some(step.name.clone()),
            to: exit.target.map(|t| procedure.target_name(t).to_string()),
            automatic: true,
            cite: exit.cites.clone(),
            note: exit.reason.clone(),
        });
    }

    /// Logs a case event as it was written, with where it took the case.
    fn record(&mut self, event: &CaseEvent, from: Option<&str>, to: Option<&str>, cite: &[String]) {
        let name = self.event_name(event.event);
        self.log(|_| TimelineEntry {
            on: event.on,
            event: name.to_string(),
            from: from.map(str::to_string),
            to: to.map(str::to_string),
            automatic: false,
            cite: cite.to_vec(),
            note: event.note.clone(),
        });
    }

    fn pause(&mut self, event: &CaseEvent, mut active: Box<Active>) -> Result<(), Failure> {
        let step = self.step(active.step);
        if step.pauses.is_empty() {
            return Err(fail(ReplayErrorKind::PauseRefused {
                reason: format!(
                    "step `{}` does not allow the procedure to be paused",
                    step.name
                ),
                help: "only a step with a `pause for …` rule can be paused".into(),
            }));
        }
        let rule = match &event.pause {
            Some(wanted) => step
                .pauses
                .iter()
                .position(|p| &p.name == wanted)
                .ok_or_else(|| {
                    (
                        ReplayErrorKind::PauseRefused {
                            reason: format!("step `{}` has no pause for `{wanted}`", step.name),
                            help: format!(
                                "its pauses are: {}",
                                listed(step.pauses.iter().map(|p| p.name.as_str()))
                            ),
                        },
                        Some("pause"),
                    )
                })?,
            None => 0,
        };
        // A pause the procedure allows only with someone's agreement must
        // record that agreement (Cafcass 2.3: the complainant's).
        if let Some(needed) = step.pauses[rule].consent_of {
            if event.agreed_by != Some(needed) {
                let who = self.role_name(needed);
                return Err((
                    ReplayErrorKind::PauseRefused {
                        reason: format!(
                            "the pause for {} needs the agreement of {who}, and this event does not record it",
                            step.pauses[rule].name
                        ),
                        help: format!("record the agreement on the event: `agreed_by: {who}`"),
                    },
                    Some(if event.agreed_by.is_some() { "agreed_by" } else { "event" }),
                ));
            }
        }
        active.paused = Some((event.on, rule));
        self.phase = Phase::InStep(active);
        let pause = &step.pauses[rule];
        self.log(|procedure| TimelineEntry {
            on: event.on,
            event: "paused".into(),
            from: None,
            to: None,
            automatic: false,
            cite: pause.cites.clone(),
            note: event.note.clone().or_else(|| {
                Some(match pause.consent_of {
                    Some(r) => format!(
                        "{} (with the agreement of {})",
                        pause.name,
                        procedure.roles[r.index()].name
                    ),
                    None => pause.name.clone(),
                })
            }),
        });
        Ok(())
    }

    fn extend(&mut self, event: &CaseEvent, mut active: Box<Active>) -> Result<(), Failure> {
        let step = self.step(active.step);
        let refuse = |reason: String, help: String, key| {
            (ReplayErrorKind::ExtensionRefused { reason, help }, key)
        };
        let index = match &event.deadline {
            Some(name) => step
                .deadlines
                .iter()
                .position(|d| &d.name == name)
                .ok_or_else(|| {
                    refuse(
                        format!("step `{}` has no deadline `{name}`", step.name),
                        format!(
                            "its deadlines are: {}",
                            listed(step.deadlines.iter().map(|d| d.name.as_str()))
                        ),
                        Some("deadline"),
                    )
                })?,
            None => {
                let extendable: Vec<usize> = (0..step.deadlines.len())
                    .filter(|i| step.deadlines[*i].extension != Extension::None)
                    .collect();
                match extendable.as_slice() {
                    [one] => *one,
                    [] => {
                        return Err(refuse(
                            format!("no deadline of step `{}` can be extended", step.name),
                            "the procedure gives this step no `extendable` deadline".into(),
                            None,
                        ))
                    }
                    _ => {
                        return Err(refuse(
                            format!("step `{}` has several extendable deadlines", step.name),
                            "say which with `deadline: NAME`".into(),
                            None,
                        ))
                    }
                }
            }
        };
        let rule = &step.deadlines[index];
        let clock = &active.deadlines[index];
        let Some(due) = self.due(clock) else {
            return Err(refuse(
                format!("deadline `{}` has not started", rule.name),
                "it starts when its anchor event happens".into(),
                None,
            ));
        };
        if clock.met.is_some() {
            return Err(refuse(
                format!("deadline `{}` has already been met", rule.name),
                "nothing to extend".into(),
                None,
            ));
        }
        if event.on > due {
            return Err(refuse(
                format!(
                    "deadline `{}` passed on {due}; it cannot be extended after it has passed",
                    rule.name
                ),
                "agree an extension before the due date".into(),
                None,
            ));
        }
        let until = match event.extension {
            Some(ExtensionRequest::Until(date)) => date,
            Some(ExtensionRequest::By(amount, unit)) => {
                self.add(due, i64::from(amount), unit).map_err(fail)?
            }
            None => {
                return Err(refuse(
                    "an extension needs `until: DATE` or `by: DURATION`".into(),
                    "for example `until: 2027-03-01` or `by: 10 working days`".into(),
                    None,
                ))
            }
        };
        if until <= due {
            return Err(refuse(
                format!("{until} is not later than the current due date {due}"),
                "an extension moves the due date later".into(),
                Some("until"),
            ));
        }
        match rule.extension {
            Extension::None => {
                return Err(refuse(
                    format!("deadline `{}` is not extendable", rule.name),
                    "the procedure does not allow this deadline to be extended".into(),
                    None,
                ))
            }
            Extension::ByAgreement => {}
            Extension::UpTo(ceiling) => {
                let (amount, unit) = self.duration(ceiling, Need::Ceiling).map_err(fail)?;
                let Some(anchor) = clock.anchor else {
                    return Err(refuse(
                        "the deadline has not started".into(),
                        String::new(),
                        None,
                    ));
                };
                // Time paused does not count against the ceiling either.
                let mut limit = self.add(anchor, i64::from(amount), unit).map_err(fail)?;
                self.shift_by_pauses(&mut limit, &clock.pauses, unit)
                    .ok_or_else(|| {
                        fail(ReplayErrorKind::DateOutOfRange {
                            message: "the extension ceiling".into(),
                        })
                    })?;
                if until > limit {
                    return Err(refuse(
                        format!(
                            "{until} is beyond the ceiling of {} for `{}`, which ends on {limit}",
                            describe_duration(amount, unit),
                            rule.name
                        ),
                        format!("extend to {limit} at the latest"),
                        Some(match event.extension {
                            Some(ExtensionRequest::By(..)) => "by",
                            _ => "until",
                        }),
                    ));
                }
            }
        }
        active.deadlines[index].extended = Some((event.on, until));
        self.phase = Phase::InStep(active);
        self.log(|_| TimelineEntry {
            on: event.on,
            event: "extended".into(),
            from: None,
            to: None,
            automatic: false,
            cite: rule.cites.clone(),
            note: event
                .note
                .clone()
                .or_else(|| Some(format!("{} now due {until}", rule.name))),
        });
        Ok(())
    }

    /// Tasks, `met by` deadlines, escalations and transitions.
    fn handle(&mut self, event: &CaseEvent, mut active: Box<Active>) -> Result<(), Failure> {
        let step = self.step(active.step);
        let name = self.event_name(event.event);
        let mut handled = false;
        let mut cites: &[String] = &[];

        if let Some(t) = step.tasks.iter().position(|t| t.event == event.event) {
            let task = &step.tasks[t];
            if !self
                .applies(&task.guard, Need::Task(&task.name))
                .map_err(fail)?
            {
                return Err(fail(ReplayErrorKind::NotAllowed {
                    event: name.to_string(),
                    on: event.on,
                    step: step.name.clone(),
                    allowed: format!(
                        "task `{}` does not apply to this case: its condition does not hold",
                        task.name
                    ),
                }));
            }
            self.check_role(event, task.by.or(Some(step.lead)))?;
            active.task_done[t] = Some(event.on);
            if let Some(clock) = active.task_clocks[t].as_mut() {
                clock.met = Some(event.on);
            }
            if let Some(clock) = active.task_clocks[t].clone() {
                self.breach_if_late(step, &task.name, &clock, event.on, &task.cites);
            }
            handled = true;
            cites = &task.cites;
        }

        for (i, deadline) in step.deadlines.iter().enumerate() {
            if deadline.met_by.contains(&event.event) && active.deadlines[i].met.is_none() {
                active.deadlines[i].met = Some(event.on);
                let clock = active.deadlines[i].clone();
                self.breach_if_late(step, &deadline.name, &clock, event.on, &deadline.cites);
            }
            // A deadline counted from an event that has now happened starts.
            if let Anchor::Event(e) = deadline.anchor {
                if e == event.event
                    && active.deadlines[i].met.is_none()
                    && active.deadlines[i].anchor.is_none()
                {
                    active.deadlines[i] = self
                        .new_clock(
                            deadline.duration,
                            Some(event.on),
                            Need::Deadline(&deadline.name),
                        )
                        .map_err(fail)?;
                }
            }
        }

        if let Some(esc) = step.escalations.iter().find(|e| e.event == event.event) {
            if self
                .window_close(esc.within, esc.anchor, active.entered, name)
                .map_err(fail)?
                .is_none()
            {
                return Err(self.not_allowed(event, &active));
            }
            self.check_role(event, esc.by)?;
            let target = Target::Step(esc.target);
            self.phase = Phase::InStep(active);
            self.leave(event.on);
            let procedure = self.procedure;
            self.record(
                event,
                Some(&step.name),
                Some(procedure.target_name(target)),
                &esc.cites,
            );
            return self.enter(target, event.on).map_err(fail);
        }

        let mut candidates = step.transitions_on(event.event).peekable();
        if candidates.peek().is_some() {
            let mut chosen = None;
            for t in candidates {
                let applies = match &t.guard {
                    Some(g) => self
                        .holds(g, &event.data, Need::Transition(name))
                        .map_err(fail)?,
                    None => true,
                };
                if applies {
                    chosen = Some(t);
                    break;
                }
            }
            let Some(t) = chosen else {
                let guards: Vec<String> = step
                    .transitions_on(event.event)
                    .map(|t| {
                        format!(
                            "`-> {}` when its guard holds",
                            self.procedure.target_name(t.target)
                        )
                    })
                    .collect();
                return Err(fail(ReplayErrorKind::NoTransitionApplies {
                    event: name.to_string(),
                    step: step.name.clone(),
                    guards: guards.join("; "),
                }));
            };
            self.check_role(event, t.by.or(Some(step.lead)))?;
            let mut missing = Vec::new();
            for &r in &t.requires {
                let task = &step.tasks[r as usize];
                if active.task_done[r as usize].is_none()
                    && self
                        .applies(&task.guard, Need::Task(&task.name))
                        .map_err(fail)?
                {
                    missing.push(task.name.clone());
                }
            }
            if let Some(first) = missing.first() {
                return Err(fail(ReplayErrorKind::TasksNotDone {
                    event: name.to_string(),
                    on: event.on,
                    first: first.clone(),
                    tasks: missing
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                }));
            }
            if t.target == Target::Step(active.step) {
                for &r in &t.reopens {
                    active.task_done[r as usize] = None;
                }
                self.phase = Phase::InStep(active);
                self.record(event, Some(&step.name), Some(&step.name), &t.cites);
                return Ok(());
            }
            self.phase = Phase::InStep(active);
            self.leave(event.on);
            let procedure = self.procedure;
            self.record(
                event,
                Some(&step.name),
                Some(procedure.target_name(t.target)),
                &t.cites,
            );
            return self.enter(t.target, event.on).map_err(fail);
        }

        if !handled {
            return Err(self.not_allowed(event, &active));
        }
        self.phase = Phase::InStep(active);
        self.record(event, None, None, cites);
        Ok(())
    }

    fn check_role(&self, event: &CaseEvent, expected: Option<RoleId>) -> Result<(), Failure> {
        match (event.by, expected) {
            (Some(by), Some(expected)) if by != expected => Err((
                ReplayErrorKind::WrongRole {
                    event: self.event_name(event.event).to_string(),
                    by: self.role_name(by).to_string(),
                    expected: self.role_name(expected).to_string(),
                },
                Some("by"),
            )),
            _ => Ok(()),
        }
    }

    fn breach_if_late(
        &mut self,
        step: &Step,
        name: &str,
        clock: &Clock,
        on: NaiveDate,
        cites: &[String],
    ) {
        let Some(due) = self.due(clock) else { return };
        if on > due {
            self.breaches.push(Breach {
                step: step.name.clone(),
                deadline: name.to_string(),
                due,
                met_on: Some(on),
                late_working_days: self.calendar.working_days_between(due, on).unwrap_or(0),
                cite: cites.to_vec(),
            });
        }
    }

    /// Leaves the active step on `on`: deadlines met by leaving are met, and
    /// any left unmet past their due date are breaches.
    fn leave(&mut self, on: NaiveDate) {
        let Phase::InStep(active) = &self.phase else {
            return;
        };
        let step = self.step(active.step);
        let mut breaches = Vec::new();
        for (i, deadline) in step.deadlines.iter().enumerate() {
            let clock = &active.deadlines[i];
            if clock.met.is_some() {
                continue;
            }
            let Some(due) = self.due(clock) else { continue };
            if on > due {
                breaches.push(Breach {
                    step: step.name.clone(),
                    deadline: deadline.name.clone(),
                    due,
                    met_on: deadline.met_by.is_empty().then_some(on),
                    late_working_days: self.calendar.working_days_between(due, on).unwrap_or(0),
                    cite: deadline.cites.clone(),
                });
            }
        }
        for (t, task) in step.tasks.iter().enumerate() {
            let Some(clock) = active.task_clocks[t].as_ref().filter(|c| c.met.is_none()) else {
                continue;
            };
            if let Some(due) = self.due(clock).filter(|due| on > *due) {
                breaches.push(Breach {
                    step: step.name.clone(),
                    deadline: task.name.clone(),
                    due,
                    met_on: None,
                    late_working_days: self.calendar.working_days_between(due, on).unwrap_or(0),
                    cite: task.cites.clone(),
                });
            }
        }
        self.breaches.extend(breaches);
    }

    /// Enters a step (applying its refusals and rejections) or reaches an
    /// outcome.
    fn enter(&mut self, target: Target, on: NaiveDate) -> Result<(), ReplayErrorKind> {
        let last_step = match &self.phase {
            Phase::InStep(a) => Some(a.step),
            _ => None,
        };
        let step_id = match target {
            Target::Outcome(o) => {
                let outcome = &self.procedure.outcomes[o.index()];
                self.phase = Phase::Closed {
                    outcome: outcome.name.clone(),
                    is_final: outcome.is_final,
                    text: outcome.text.clone(),
                    on,
                    last_step,
                };
                return Ok(());
            }
            Target::Step(s) => s,
        };
        let step = self.step(step_id);
        for refusal in &step.refusals {
            if self.holds(&refusal.guard, NO_PARAMS, Need::Refusal(&step.name))? {
                self.log_exit("refused", step, refusal, on);
                if let Some(t) = refusal.target {
                    return self.enter(t, on);
                }
            }
        }
        let mut rejected = None;
        for (i, reject) in step.rejects.iter().enumerate() {
            if self.holds(&reject.guard, NO_PARAMS, Need::Rejection(&step.name))? {
                self.log_exit("rejected", step, reject, on);
                if let Some(t) = reject.target {
                    return self.enter(t, on);
                }
                rejected = Some(i);
                break;
            }
        }
        let mut deadlines = Vec::with_capacity(step.deadlines.len());
        for d in &step.deadlines {
            let anchor = self.anchor_date(d.anchor, on);
            deadlines.push(self.new_clock(d.duration, anchor, Need::Deadline(&d.name))?);
        }
        let mut task_clocks = Vec::with_capacity(step.tasks.len());
        for t in &step.tasks {
            task_clocks.push(match &t.within {
                Some((duration, anchor)) => {
                    let anchor = self.anchor_date(*anchor, on);
                    Some(self.new_clock(*duration, anchor, Need::Task(&t.name))?)
                }
                None => None,
            });
        }
        self.phase = Phase::InStep(Box::new(Active {
            step: step_id,
            entered: on,
            deadlines,
            task_done: vec![None; step.tasks.len()],
            task_clocks,
            paused: None,
            rejected,
        }));
        Ok(())
    }

    fn not_allowed(&self, event: &CaseEvent, active: &Active) -> Failure {
        let step = self.step(active.step);
        let allowed = if active.paused.is_some() {
            "the case is paused: only `resumed` or `withdrawn` may come next".to_string()
        } else if active.rejected.is_some() {
            "the complaint was turned away: only `resubmitted` or `withdrawn` may come next"
                .to_string()
        } else {
            let mut names: Vec<String> = Vec::new();
            for t in &step.transitions {
                let label = match &t.guard {
                    Some(_) => format!("`{}` (when its guard holds)", self.event_name(t.event)),
                    None => format!("`{}`", self.event_name(t.event)),
                };
                if !names.contains(&label) {
                    names.push(label);
                }
            }
            names.extend(step.tasks.iter().map(|t| format!("`{}` (task)", t.name)));
            names.extend(
                step.escalations
                    .iter()
                    .map(|e| format!("`{}` (request)", self.event_name(e.event))),
            );
            if !step.pauses.is_empty() {
                names.push("`paused`".into());
            }
            if step
                .deadlines
                .iter()
                .any(|d| d.extension != Extension::None)
            {
                names.push("`extended`".into());
            }
            names.push("`withdrawn`".into());
            format!("step `{}` allows: {}", step.name, names.join(", "))
        };
        fail(ReplayErrorKind::NotAllowed {
            event: self.event_name(event.event).to_string(),
            on: event.on,
            step: step.name.clone(),
            allowed,
        })
    }
}
