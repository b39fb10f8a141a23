//! Replaying a case against a compiled procedure.
//!
//! Architecture invariant: the engine does no I/O and reads only the IR
//! ([`Procedure`]), a [`Calendar`] and a [`Case`]. The same semantics serve
//! `redress run`, `redress test` and simulation.
//!
//! Processing an event is a pure step: [`decide`](decide::decide) reads
//! the [`State`] and the event and returns an [`Effect`](effect::Effect)
//! (stay, move, close, pause, resume, extend…) or the reason the event
//! cannot happen; [`apply`] is the one place an effect changes the state.
//! A refused event therefore leaves the case exactly as it was.
//!
//! Semantics, in brief (docs/cases.md has them in full):
//! - events are taken in order; the first is `received`, which enters the
//!   start step;
//! - entering a step applies its `refuse` rules, then its `reject` rules,
//!   then (for a complaint not turned away) its `on entry when` moves,
//!   then starts its deadlines (from entry, or from an event's first
//!   occurrence in this visit of the step, the event that entered it
//!   included) and its tasks' own deadlines;
//! - a deadline is met by one of its `met by` events, or by leaving the step
//!   when it has none; met after its due date, or left unmet past it, it is
//!   a breach;
//! - `paused` stops a step's clocks until `resumed`: due dates move by the
//!   working days (or days) in between;
//! - an escalation window closes at the end of its last day; a request is
//!   in time when it falls inside any open window for its event; when every
//!   window of a step has closed unused, `otherwise` (or the first
//!   `otherwise when …` that holds) moves the case on the next day by
//!   itself;
//! - `on missed D` moves the case by itself the day after D's due date
//!   passes unmet; of several automatic moves the earliest day wins, and
//!   on one day the `on missed` lines in order, then `otherwise`;
//! - an `anywhere on E` event ends the case from any step without a rule
//!   of its own for E;
//! - a deadline with `when G` applies only while G holds (or cannot be
//!   decided).

mod clock;
mod context;
mod decide;
mod effect;
mod error;
mod notices;
mod people;
mod referrals;
mod report;
mod state;
#[cfg(test)]
mod tests;
mod tracks;
mod windows;

use chrono::{Duration as Days, NaiveDate};

use crate::calendar::Calendar;
use crate::check::ir::{BodyId, EventId, FactId, Procedure, RoleId, StepId, Unit, Value};

use context::{Ctx, Facts};
use decide::Failure;
use effect::{apply, Log};
use state::{Phase, State};

pub use clock::working_days_late;
pub use error::{ExtensionRefusal, PauseRefusal, ReplayError, ReplayErrorKind, REASONS};
pub use report::{
    ActiveStep, Breach, DeadlineReport, NextEvent, NoticeOwedReport, OutcomeReport, PersonReport,
    ProcedureRef, ReferralReport, Report, RouteReport, Status, TaskReport, TimelineEntry,
    TrackReport, WindowReport,
};

/// A complaint case: its facts and its events, resolved against a
/// procedure (names are indices).
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: String,
    /// Each fact's value by [`FactId`]; `None` when the case does not give it.
    pub facts: Vec<Option<Value>>,
    pub events: Vec<CaseEvent>,
    /// Who holds each role in this case (`people:` in a case file).
    pub people: Vec<(RoleId, Holder)>,
}

/// Who holds a role in a case: one person, or a panel's members and the
/// one who chairs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holder {
    /// The person, or the panel's members in the order the case gives
    /// them.
    pub people: Vec<String>,
    pub chair: Option<String>,
}

impl Holder {
    /// One person in a role.
    pub fn one(person: impl Into<String>) -> Self {
        Holder {
            people: vec![person.into()],
            chair: None,
        }
    }

    /// Whether `person` is one of them, or the chair.
    pub fn includes(&self, person: &str) -> bool {
        self.people.iter().any(|p| p == person) || self.chair.as_deref() == Some(person)
    }

    /// In words, for reports and a team's lists: "A. Patel", or
    /// "A. Patel (chair), B. Khan, C. Ode".
    pub fn words(&self) -> String {
        let mut words: Vec<String> = self
            .people
            .iter()
            .map(|p| {
                if self.chair.as_deref() == Some(p.as_str()) {
                    format!("{p} (chair)")
                } else {
                    p.clone()
                }
            })
            .collect();
        if let Some(chair) = self.chair.as_ref().filter(|c| !self.people.contains(c)) {
            words.push(format!("chaired by {chair}"));
        }
        words.join(", ")
    }
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
    /// Why the event is late (`reason:`): a soft deadline it meets late is
    /// then "late, with reason" rather than a breach.
    pub reason: Option<String>,
    /// Who made the event (`person: "A. Patel"`, or a panel's members,
    /// `person: [A. Patel, B. Khan]`); when empty, the case's holder of
    /// the acting role, if it names one.
    pub people: Vec<String>,
    /// The member who chaired the panel that made the event (`chair:`);
    /// without it, the case's chair of the panel.
    pub chair: Option<String>,
    /// `by: [a, b]`: the roles after the first, for a joint decision.
    pub also_by: Vec<RoleId>,
    /// For `referred`: the body the referral was made to.
    pub to: Option<BodyId>,
    /// For `notice`: which notice, and what it said (`includes:`).
    pub notice: Option<String>,
    pub includes: Vec<String>,
    /// For `extended`: the role that granted it (`granted_by:`).
    pub granted_by: Option<RoleId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionRequest {
    Until(NaiveDate),
    By(u32, Unit),
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
        self.engine.outcome()
    }

    /// The deadlines met late or left unmet past their due date.
    pub fn breaches(&self) -> &[Breach] {
        &self.engine.state.breaches
    }

    /// The step a closed case was last in (`None` while open, or when it
    /// closed on receipt): what a timeline's last move would say, for a
    /// replay that kept none.
    pub fn last_step(&self) -> Option<&str> {
        match &self.engine.state.phase {
            Phase::Closed(c) => c.last_step.map(|s| self.engine.ctx.step(s).name.as_str()),
            _ => None,
        }
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
    replay_logged(
        Engine::new(procedure, calendar, case.facts.clone(), true),
        case,
        at,
    )
}

fn replay_logged<'a>(
    mut engine: Engine<'a>,
    case: &Case,
    at: NaiveDate,
) -> Result<Replayed<'a>, ReplayError> {
    engine.state.people = people::holders(engine.ctx.procedure, &case.people);
    let mut last = 0;
    for (i, event) in case.events.iter().enumerate() {
        if event.on > at {
            break;
        }
        last = i;
        engine.process(event).map_err(|(kind, key)| ReplayError {
            event: i,
            key,
            kind,
        })?;
    }
    engine
        .advance_to(at + Days::days(1))
        .map_err(|kind| ReplayError {
            event: last,
            key: None,
            kind,
        })?;
    Ok(Replayed { engine, at })
}

/// Replays `case` up to `at` as [`replay_to`] does, keeping no timeline:
/// for the caseload, which asks where each of many cases stands and not
/// how it got there. Its reports have an empty `timeline`.
pub fn replay_quietly<'a>(
    procedure: &'a Procedure,
    calendar: &'a Calendar,
    case: &Case,
    at: NaiveDate,
) -> Result<Replayed<'a>, ReplayError> {
    replay_logged(
        Engine::new(procedure, calendar, case.facts.clone(), false),
        case,
        at,
    )
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
            engine: Engine::new(procedure, calendar, facts, false),
        }
    }

    /// Applies one event, after any automatic moves due before its date.
    /// A refused event changes nothing.
    pub fn apply(&mut self, event: &CaseEvent) -> Result<(), ReplayErrorKind> {
        self.engine.process(event).map_err(|(kind, _)| kind)
    }

    /// Applies the automatic moves due before `date` (windows closing).
    pub fn advance_to(&mut self, date: NaiveDate) -> Result<(), ReplayErrorKind> {
        self.engine.advance_to(date)
    }

    pub fn position(&self) -> Position {
        match &self.engine.state.phase {
            Phase::NotReceived => Position::NotReceived,
            Phase::InStep(v) => Position::InStep {
                step: v.step,
                entered: v.entered,
                turned_away: v.rejected.is_some(),
            },
            Phase::Closed(c) => Position::Closed { on: c.on },
        }
    }

    /// The outcome reached, once closed (`withdrawn` after a withdrawal).
    pub fn outcome(&self) -> Option<&str> {
        self.engine.outcome()
    }

    /// When the current step's last escalation window closes, once every
    /// window has opened.
    pub fn last_window_close(&self) -> Option<NaiveDate> {
        let visit = self.engine.state.visit()?;
        let ctx = self.engine.ctx;
        let step = ctx.step(visit.step);
        windows::last_close(&ctx, self.engine.facts(), visit, step)
            .ok()
            .flatten()
    }

    /// When the windows for `event` in the current step close: the latest
    /// of those that have opened.
    pub fn window_close(&self, event: EventId) -> Option<NaiveDate> {
        let visit = self.engine.state.visit()?;
        let ctx = self.engine.ctx;
        windows::event_close(
            &ctx,
            self.engine.facts(),
            visit,
            ctx.step(visit.step),
            event,
        )
    }

    /// When `event` last happened in the current visit of the step.
    pub fn seen_in_step(&self, event: EventId) -> Option<NaiveDate> {
        self.engine.state.visit()?.seen(event)
    }

    /// The current due date of each deadline of the step that has one, with
    /// the latest date an extension may reach (`None`: no ceiling, or not
    /// extendable — see the rule), for choosing valid extensions.
    pub fn deadline_due(&self, deadline: usize) -> Option<DeadlineState> {
        let visit = self.engine.state.visit()?;
        let ctx = self.engine.ctx;
        let rule = ctx.step(visit.step).deadlines.get(deadline)?;
        let clock = visit.deadlines.get(deadline)?;
        let facts = self.engine.facts();
        if !ctx.deadline_applies(rule, facts) {
            return None;
        }
        let due = clock.due(&ctx, facts).ok()?.date();
        let ceiling = match rule.extension {
            crate::check::ir::Extension::UpTo(spec) => clock::duration_of(spec, facts)
                .and_then(|(amount, unit)| clock.ceiling(&ctx, facts, amount, unit).ok().flatten()),
            _ => None,
        };
        Some(DeadlineState {
            due,
            met: clock.met.is_some(),
            ceiling,
        })
    }

    pub fn facts(&self) -> &[Option<Value>] {
        &self.engine.state.facts
    }

    pub fn breaches(&self) -> &[Breach] {
        &self.engine.state.breaches
    }

    /// The tracks running, by position in the procedure's `tracks`, with
    /// the day each started.
    pub fn running_tracks(&self) -> Vec<(usize, NaiveDate)> {
        self.engine
            .state
            .tracks
            .iter()
            .filter(|run| run.running())
            .map(|run| (run.track, run.started))
            .collect()
    }

    /// Soft deadlines met late by an event that recorded a reason: not
    /// breaches, counted apart.
    pub fn late_with_reason(&self) -> &[Breach] {
        &self.engine.state.late_with_reason
    }

    /// The notices rejections owe and that are not yet sent, by position in
    /// the procedure's `notices`, with the step whose rule owes each and the
    /// day it became owed.
    pub fn notices_owed(&self) -> Vec<(usize, StepId, NaiveDate)> {
        self.engine
            .state
            .owed
            .iter()
            .filter(|o| o.sent.is_none())
            .map(|o| (o.notice, o.step, o.since))
            .collect()
    }
}

/// A deadline of the current step, as simulation sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineState {
    /// `None` until its anchor happens (or its duration is known).
    pub due: Option<NaiveDate>,
    pub met: bool,
    /// The latest date an extension may reach, for a deadline with a ceiling.
    pub ceiling: Option<NaiveDate>,
}

/// The engine: a state, the log of what happened, and the rules.
struct Engine<'a> {
    ctx: Ctx<'a>,
    state: State,
    log: Log,
}

impl<'a> Engine<'a> {
    fn new(
        procedure: &'a Procedure,
        calendar: &'a Calendar,
        mut facts: Vec<Option<Value>>,
        recording: bool,
    ) -> Engine<'a> {
        procedure.fill_settings(&mut facts);
        Engine {
            ctx: Ctx {
                procedure,
                calendar,
            },
            state: State::new(facts, procedure.events.len()),
            log: Log::new(recording),
        }
    }

    /// The facts, with the days guards read; `today` only where a caller
    /// knows the day it asks about (see [`Engine::facts_on`]).
    fn facts(&self) -> Facts<'_> {
        Facts::known(&self.state.facts).at(context::Moment {
            today: None,
            ..decide::moment(&self.state, NaiveDate::MIN)
        })
    }

    /// The facts as guards applied on `today` see them.
    fn facts_on(&self, today: NaiveDate) -> Facts<'_> {
        Facts::known(&self.state.facts).at(decide::moment(&self.state, today))
    }

    fn outcome(&self) -> Option<&'a str> {
        match &self.state.phase {
            Phase::Closed(c) => Some(&self.ctx.procedure.outcomes[c.outcome.index()].name),
            _ => None,
        }
    }

    /// Applies the automatic moves due up to (not including) `date`.
    fn advance_to(&mut self, date: NaiveDate) -> Result<(), ReplayErrorKind> {
        advance(&self.ctx, &mut self.state, date, &mut self.log)
    }

    /// Processes one event: the passing of time up to its date, then the
    /// event itself. Either everything happens or nothing does: when an
    /// automatic move is due first, the work is done on a copy, kept only
    /// if the event is accepted.
    fn process(&mut self, event: &CaseEvent) -> Result<(), Failure> {
        let ctx = self.ctx;
        let track = tracks::owner(&ctx, event.event);
        if track.is_none() {
            decide::late_request(&ctx, &self.state, event)?;
        }
        let due_first = decide::automatic_due(&ctx, &self.state, event.on)
            .map_err(|k| (k, None))?
            .is_some();
        if !due_first {
            if let Some(index) = track {
                let effect = tracks::decide(&ctx, &self.state, event, index)?;
                tracks::apply(&ctx, &mut self.state, event, effect, &mut self.log);
                return Ok(());
            }
            let effect = decide::decide(&ctx, &self.state, event)?;
            let starts = tracks::started_by(&ctx, &self.state, event);
            apply(&ctx, &mut self.state, Some(event), effect, &mut self.log);
            start_tracks(&ctx, &mut self.state, event, starts, &mut self.log);
            return Ok(());
        }
        let mut state = self.state.clone();
        let mut log = Log::new(self.log.recording);
        advance(&ctx, &mut state, event.on, &mut log).map_err(|k| (k, None))?;
        if let Some(index) = track {
            let effect = tracks::decide(&ctx, &state, event, index)?;
            tracks::apply(&ctx, &mut state, event, effect, &mut log);
        } else {
            let effect = decide::decide(&ctx, &state, event)?;
            let starts = tracks::started_by(&ctx, &state, event);
            apply(&ctx, &mut state, Some(event), effect, &mut log);
            start_tracks(&ctx, &mut state, event, starts, &mut log);
        }
        self.state = state;
        self.log.entries.append(&mut log.entries);
        Ok(())
    }
}

/// Starts the tracks a transition names, once its effect is applied.
fn start_tracks(
    ctx: &Ctx<'_>,
    state: &mut State,
    event: &CaseEvent,
    starts: Vec<usize>,
    log: &mut Log,
) {
    if starts.is_empty() {
        return;
    }
    let effect = tracks::TrackEffect {
        starts,
        ..tracks::TrackEffect::default()
    };
    tracks::apply(ctx, state, event, effect, log);
}

/// Applies every automatic move due before `date`, one after another (a
/// move may enter a step whose windows have also closed).
fn advance(
    ctx: &Ctx<'_>,
    state: &mut State,
    date: NaiveDate,
    log: &mut Log,
) -> Result<(), ReplayErrorKind> {
    // Each move enters a new visit on a later day, so this ends; the bound
    // only guards against a procedure whose `otherwise` loops on one day.
    for _ in 0..=ctx.procedure.steps.len().saturating_mul(64) + 64 {
        match decide::automatic(ctx, state, date)? {
            Some(effect) => apply(ctx, state, None, effect, log),
            None => return Ok(()),
        }
    }
    Ok(())
}
