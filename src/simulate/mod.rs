//! Monte-Carlo simulation of many cases over the engine.
//!
//! Architecture invariant: simulation decides only what happens and when
//! (which way out of a step, the event's data, how long it takes); every
//! rule is applied by [`crate::engine::Session`], the same engine that
//! replays real cases. Cases are simulated in chunks, each with its own
//! random stream from the seed, and only tallies are kept (counts and a
//! histogram of working days), so the result depends on the seed alone,
//! whatever the number of threads, and memory does not grow with the
//! number of cases.
//!
//! Given several versions of a procedure, each case is simulated with the
//! version in force on the day it is received (as `run` and `test` choose
//! one for a real case), and tallied apart, by version.

mod assumptions;
mod rng;
mod summary;
mod tracks;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::analysis::paths::working_days;
use crate::calendar::Calendar;
use crate::check::ir::{
    Builtin, DurationSpec, Env, EventId, FactId, Procedure, Step, StepId, Type, Unit, Value,
};
use crate::engine::{CaseEvent, Position, Session};

pub use assumptions::{
    exits, load as load_assumptions, load_each as load_assumptions_each,
    per_working_day as assumed_per_working_day, AssumptionErrorKind, Assumptions, Distribution,
    Extension, FactDraw,
};
use rng::Rng;
pub use summary::{human, BreachRate, Durations, Figures, Share, Stopped, Summary, VersionFigures};

/// Cases a chunk; each chunk has its own random stream.
const CHUNK: u64 = 8192;
/// Steps a case may be entered again (loops) before it is counted as
/// unfinished: a loop left with a tiny probability would otherwise make
/// one case run for minutes. Documented in docs/simulate.md.
pub const MAX_LOOPS: u32 = 1_000;
/// Ways out of steps one case may take before it is counted as unfinished
/// (a guard against steps that stay put without looping).
const MAX_EVENTS: usize = 10_000;
/// The first arrival when `--start` is not given: a fixed Monday, so that
/// output does not change with the day it is run.
pub const DEFAULT_START: NaiveDate = match NaiveDate::from_ymd_opt(2026, 1, 5) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The length given to a `duration` fact the assumptions say nothing of.
pub const DEFAULT_DURATION_WORKING_DAYS: u32 = 20;
/// Durations are tallied to this many working days; longer ones share the
/// last bucket (and are still counted in `max`).
const HISTOGRAM: usize = 20_000;

/// What to simulate.
#[derive(Clone, Debug)]
pub struct Config {
    pub cases: u64,
    pub seed: u64,
    /// The first day cases may arrive.
    pub start: NaiveDate,
    /// Threads to use; `None` for one a core.
    pub threads: Option<usize>,
}

/// Why the engine stopped a simulated case, by a stable key so that the
/// tally stays small however many cases stop.
struct Stop {
    key: String,
    message: String,
}

impl From<crate::engine::ReplayErrorKind> for Stop {
    fn from(e: crate::engine::ReplayErrorKind) -> Stop {
        use miette::Diagnostic;
        Stop {
            key: e
                .code()
                .map(|c| c.to_string())
                .unwrap_or_else(|| "engine".into()),
            message: e.to_string(),
        }
    }
}

impl From<crate::calendar::CalendarError> for Stop {
    fn from(e: crate::calendar::CalendarError) -> Stop {
        Stop {
            key: "calendar".into(),
            message: e.to_string(),
        }
    }
}

/// Why a simulation cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimulateError {
    NoCases,
    /// No procedure was given to simulate.
    NoProcedure,
    /// Arrivals would run past the calendar's last year.
    ArrivalsOutOfRange {
        last: String,
    },
}

impl std::fmt::Display for SimulateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimulateError::NoCases => f.write_str("simulate at least one case (--cases N, N ≥ 1)"),
            SimulateError::NoProcedure => f.write_str("no procedure to simulate"),
            SimulateError::ArrivalsOutOfRange { last } => write!(
                f,
                "the last case would arrive after the calendars end ({last}); start earlier or raise arrivals.per_working_day"
            ),
        }
    }
}

/// The tallies of a chunk of one version's cases; chunks are added
/// together.
#[derive(Clone, Debug)]
struct Tally {
    /// Cases received under the version, and the first and last day.
    cases: u64,
    received: Option<(NaiveDate, NaiveDate)>,
    /// By outcome, then "turned away".
    outcomes: Vec<u64>,
    reached: Vec<u64>,
    histogram: Vec<u64>,
    max_days: u32,
    total_days: u64,
    ended: u64,
    ran: Vec<u64>,
    breached: Vec<u64>,
    late_with_reason: Vec<u64>,
    loops: u64,
    unfinished: u64,
    stopped: BTreeMap<String, Stopped>,
}

impl Tally {
    fn new(sim: &Simulation<'_>) -> Tally {
        Tally {
            cases: 0,
            received: None,
            outcomes: vec![0; sim.procedure.outcomes.len() + 1],
            reached: vec![0; sim.procedure.steps.len()],
            histogram: vec![0; HISTOGRAM + 1],
            max_days: 0,
            total_days: 0,
            ended: 0,
            ran: vec![0; sim.deadlines.len()],
            breached: vec![0; sim.deadlines.len()],
            late_with_reason: vec![0; sim.deadlines.len()],
            loops: 0,
            unfinished: 0,
            stopped: BTreeMap::new(),
        }
    }

    fn stop(&mut self, why: Stop) {
        self.stopped
            .entry(why.key)
            .or_insert(Stopped {
                cases: 0,
                example: why.message,
            })
            .cases += 1;
    }

    fn add(mut self, other: Tally) -> Tally {
        self.cases += other.cases;
        self.received = match (self.received, other.received) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
        let sum = |a: &mut Vec<u64>, b: &[u64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        sum(&mut self.outcomes, &other.outcomes);
        sum(&mut self.reached, &other.reached);
        sum(&mut self.histogram, &other.histogram);
        sum(&mut self.ran, &other.ran);
        sum(&mut self.breached, &other.breached);
        sum(&mut self.late_with_reason, &other.late_with_reason);
        self.max_days = self.max_days.max(other.max_days);
        self.total_days += other.total_days;
        self.ended += other.ended;
        self.loops += other.loops;
        self.unfinished += other.unfinished;
        for (k, v) in other.stopped {
            match self.stopped.get_mut(&k) {
                Some(mine) => mine.cases += v.cases,
                None => {
                    self.stopped.insert(k, v);
                }
            }
        }
        self
    }
}

/// One version's part of a run, shared across threads.
struct Simulation<'a> {
    procedure: &'a Procedure,
    calendar: &'a Calendar,
    /// Every (step, deadline or timed task) whose breaches are counted.
    deadlines: Vec<(String, String)>,
    deadline_index: HashMap<(String, String), usize>,
    /// For each step, the positions in `deadlines` of its own.
    step_deadlines: Vec<Vec<usize>>,
    /// For each track, the positions in `deadlines` of its own, after the
    /// steps' (keyed by the track's name where a step's would be).
    track_deadlines: Vec<Vec<usize>>,
    /// The assumptions indexed for the hot loop: by fact, by step, by
    /// event, by event then field.
    fact_draws: Vec<Option<FactDraw>>,
    step_choices: Vec<Vec<(Option<EventId>, f64)>>,
    event_delays: Vec<Option<Distribution>>,
    event_data: Vec<Vec<Option<Vec<f64>>>>,
    /// The built-in event a complainant withdraws with.
    withdrawn: Option<EventId>,
    /// The built-in event a deadline is extended with.
    extended: Option<EventId>,
    /// By step: (deadline position, how it is extended).
    step_extensions: Vec<Vec<(usize, Extension)>>,
    /// How often an event records a reason (`late_reasons`).
    late_reasons: Option<f64>,
}

struct Params<'a> {
    facts: &'a [Option<Value>],
    data: &'a [Option<Value>],
}

impl Env for Params<'_> {
    fn fact(&self, fact: FactId) -> Option<Value> {
        self.facts.get(fact.index()).cloned().flatten()
    }
    fn param(&self, index: u32) -> Option<Value> {
        self.data.get(index as usize).cloned().flatten()
    }
}

/// Lets time pass up to `on` in a step with `on missed` moves: a deadline
/// missed first moves the case by itself (the engine decides), and then
/// what was planned for the step no longer happens.
fn moved_by_itself(
    session: &mut Session<'_>,
    step: &Step,
    here: Position,
    on: NaiveDate,
) -> Result<bool, Stop> {
    if step.missed_moves.is_empty() {
        return Ok(false);
    }
    session.advance_to(on).map_err(Stop::from)?;
    Ok(session.position() != here)
}

fn no_way_out(step: &Step) -> Stop {
    Stop {
        key: "no way out".into(),
        message: format!("no way out of step `{}` applies to the case", step.name),
    }
}

fn never_opens() -> Stop {
    Stop {
        key: "window".into(),
        message: "a window never opens: its anchor event never happened".into(),
    }
}

fn spec_days(facts: &[Option<Value>], spec: DurationSpec) -> u32 {
    match spec {
        DurationSpec::Fixed { amount, unit } => working_days(amount, unit),
        DurationSpec::Fact(f) => match facts.get(f.index()).cloned().flatten() {
            Some(Value::Duration(n, unit)) => working_days(n, unit),
            _ => 20,
        },
    }
}

impl Simulation<'_> {
    fn draw_facts(&self, rng: &mut Rng) -> Vec<Option<Value>> {
        let mut facts: Vec<Option<Value>> = self
            .procedure
            .facts
            .iter()
            .enumerate()
            .map(|(i, fact)| match (self.fact_draws[i].as_ref(), &fact.ty) {
                (Some(FactDraw::Bool(p)), _) => Some(Value::Bool(rng.unit() < *p)),
                (Some(FactDraw::Choice(w)), _) => Some(Value::Enum(rng.pick(w) as u32)),
                (Some(FactDraw::Duration(d)), _) => {
                    Some(Value::Duration(d.sample(rng), Unit::WorkingDays))
                }
                // Without a stated distribution, the least surprising
                // value: no, the first value listed, a typical length.
                (None, Type::Bool) => Some(Value::Bool(false)),
                (None, Type::Enum(_)) => Some(Value::Enum(0)),
                (None, Type::Duration) => Some(Value::Duration(
                    DEFAULT_DURATION_WORKING_DAYS,
                    Unit::WorkingDays,
                )),
                (None, _) => None,
            })
            .collect();
        // A setting is the organisation's, never drawn.
        self.procedure.fill_settings(&mut facts);
        facts
    }

    /// The step's longest deadline in working days, or 20 without one.
    fn step_span(&self, step: &Step, facts: &[Option<Value>]) -> u32 {
        step.deadlines
            .iter()
            .map(|d| spec_days(facts, d.duration))
            .max()
            .unwrap_or(20)
    }

    fn delay(&self, event: EventId, default_high: u32, rng: &mut Rng) -> u32 {
        match &self.event_delays[event.index()] {
            Some(d) => d.sample(rng),
            None => rng.between(0, default_high),
        }
    }

    fn draw_data(&self, event: EventId, rng: &mut Rng) -> Vec<Option<Value>> {
        let params = &self.procedure.events[event.index()].params;
        params
            .iter()
            .enumerate()
            .map(
                |(p, param)| match (self.event_data[event.index()][p].as_ref(), &param.ty) {
                    (Some(w), _) => Some(Value::Enum(rng.pick(w) as u32)),
                    (None, Type::Enum(values)) => Some(Value::Enum(
                        rng.between(0, values.len().saturating_sub(1) as u32),
                    )),
                    (None, Type::Bool) => Some(Value::Bool(rng.unit() < 0.5)),
                    _ => None,
                },
            )
            .collect()
    }

    /// Whether some transition on `event` applies, given the data.
    fn applies(
        &self,
        step: &Step,
        event: EventId,
        facts: &[Option<Value>],
        data: &[Option<Value>],
    ) -> bool {
        let env = Params { facts, data };
        // A guard that reads dates (`received`, `today`, `date of`) cannot
        // be decided before the day is chosen: the engine decides it then.
        let holds = |g: &Option<crate::check::ir::Expr>| {
            g.as_ref().is_none_or(|g| g.holds(&env) != Some(false))
        };
        if step.transitions_on(event).next().is_none() {
            return self
                .procedure
                .anywhere
                .iter()
                .any(|a| a.event == event && holds(&a.guard));
        }
        step.transitions_on(event).any(|t| holds(&t.guard))
    }

    /// Whether a step gives this case a window for the request: one whose
    /// `when` is not false for its facts (a guard that reads dates is left
    /// to the engine on the chosen day, as a transition's is).
    fn window_for_case(&self, step: &Step, event: EventId, facts: &[Option<Value>]) -> bool {
        let env = Params { facts, data: &[] };
        step.escalations
            .iter()
            .filter(|w| w.event == event)
            .any(|w| {
                w.guard
                    .as_ref()
                    .is_none_or(|g| g.holds(&env) != Some(false))
            })
    }

    /// The event with a `reason:` as often as `late_reasons` says: the
    /// engine counts it only where the event meets a soft deadline late.
    /// Nothing is drawn without the assumption, so seeds give the results
    /// they gave before it existed.
    fn reasoned(&self, mut event: CaseEvent, rng: &mut Rng) -> CaseEvent {
        if let Some(p) = self.late_reasons {
            if rng.unit() < p {
                event.reason = Some("a reason given in the simulation".into());
            }
        }
        event
    }

    fn event(&self, on: NaiveDate, event: EventId, data: Vec<Option<Value>>) -> CaseEvent {
        // A joint decision must record every role it names; a simulated
        // one is made by all of them.
        let joint = self
            .procedure
            .steps
            .iter()
            .flat_map(|s| s.transitions_on(event))
            .find(|t| !t.also_by.is_empty());
        CaseEvent {
            on,
            event,
            by: joint.and_then(|t| t.by),
            data,
            extension: None,
            deadline: None,
            pause: None,
            agreed_by: None,
            facts: Vec::new(),
            note: None,
            // No reason unless `late_reasons` gives one (`reasoned`): a
            // soft deadline met late is then a breach, the worst case
            // (docs/simulate.md).
            reason: None,
            people: Vec::new(),
            chair: None,
            also_by: joint.map(|t| t.also_by.clone()).unwrap_or_default(),
            to: None,
            notice: None,
            includes: Vec::new(),
            granted_by: None,
        }
    }

    fn run_case(&self, arrival: NaiveDate, rng: &mut Rng, tally: &mut Tally) {
        // Facts do not change during a simulated case: drawn once, read by
        // the choices and handed to the engine.
        let mut facts = self.draw_facts(rng);
        // A date fact without an assumption is the day the case arrives:
        // the events complained of happened, and were known, that day.
        for (value, fact) in facts.iter_mut().zip(&self.procedure.facts) {
            if value.is_none() && fact.ty == Type::Date {
                *value = Some(Value::Date(arrival));
            }
        }
        let mut session = Session::new(self.procedure, self.calendar, facts.clone());
        let received = Builtin::Received.id();
        let stop = |tally: &mut Tally, why: Stop| tally.stop(why);
        if let Err(e) = session.apply(&self.event(arrival, received, Vec::new())) {
            return stop(tally, e.into());
        }
        // Every case received reaches the start step, even one refused or
        // turned away on entry.
        let mut entries = vec![0u32; self.procedure.steps.len()];
        tally.reached[self.procedure.start.index()] += 1;
        let mut current: Option<(StepId, NaiveDate)> = None;
        let mut last = arrival;
        let mut events = 0;
        let mut loops = 0u32;
        loop {
            events += 1;
            if events > MAX_EVENTS {
                tally.unfinished += 1;
                return;
            }
            if let Err(why) = self.send_owed(&mut session, tally) {
                return stop(tally, why);
            }
            let (step_id, entered) = match session.position() {
                Position::Closed { on } => {
                    self.play_tracks(&mut session, rng, tally);
                    return self.finish(&session, arrival, on, tally);
                }
                Position::NotReceived => {
                    return stop(
                        tally,
                        Stop {
                            key: "not received".into(),
                            message: "the case was not received".into(),
                        },
                    )
                }
                Position::InStep {
                    turned_away: true, ..
                } => {
                    let last = tally.outcomes.len() - 1;
                    tally.outcomes[last] += 1;
                    return;
                }
                Position::InStep { step, entered, .. } => (step, entered),
            };
            if current != Some((step_id, entered)) {
                current = Some((step_id, entered));
                entries[step_id.index()] += 1;
                match entries[step_id.index()] {
                    1 if step_id != self.procedure.start => tally.reached[step_id.index()] += 1,
                    1 => {}
                    _ => {
                        tally.loops += 1;
                        loops += 1;
                        if loops > MAX_LOOPS {
                            tally.unfinished += 1;
                            return;
                        }
                    }
                }
                // The step's own deadlines come first in `step_deadlines`;
                // one whose `when` does not hold for the case never runs.
                let rules = &self.procedure.steps[step_id.index()].deadlines;
                let env = Params {
                    facts: &facts,
                    data: &[],
                };
                for (k, &d) in self.step_deadlines[step_id.index()].iter().enumerate() {
                    let guard = rules.get(k).and_then(|r| r.guard.as_ref());
                    if guard.is_none_or(|g| g.holds(&env) != Some(false)) {
                        tally.ran[d] += 1;
                    }
                }
            }
            let first_visit = last <= entered;
            match self.step_once(
                &mut session,
                &facts,
                step_id,
                entered.max(last),
                first_visit,
                rng,
            ) {
                Ok(date) => last = date,
                Err(why) => return stop(tally, why),
            }
        }
    }

    /// Plays one way out of the current step: its tasks, then the event.
    /// `entered` is when the step began, or the last event if that was
    /// later (after a transition back into the step); event dates never go
    /// backwards. Returns the date of the last event played.
    fn step_once(
        &self,
        session: &mut Session<'_>,
        facts: &[Option<Value>],
        step_id: StepId,
        entered: NaiveDate,
        first_visit: bool,
        rng: &mut Rng,
    ) -> Result<NaiveDate, Stop> {
        let step = &self.procedure.steps[step_id.index()];
        let span = self.step_span(step, facts);
        let here = session.position();

        // Choose a way out that can happen.
        let ways = &self.step_choices[step_id.index()];
        // Ways found not to apply to this case are ruled out and the rest
        // weighed again (a step has a handful of ways out).
        let mut ruled_out = 0u64;
        let (way, data) = loop {
            let open = |i: usize| i >= 64 || ruled_out & (1 << i) == 0;
            let total: f64 = ways
                .iter()
                .enumerate()
                .filter(|(i, _)| open(*i))
                .map(|(_, (_, w))| w)
                .sum();
            if total <= 0.0 {
                return Err(no_way_out(step));
            }
            let mut x = rng.unit() * total;
            let mut chosen = None;
            for (i, (_, w)) in ways.iter().enumerate().filter(|(i, _)| open(*i)) {
                chosen = Some(i);
                if x < *w {
                    break;
                }
                x -= w;
            }
            let Some(i) = chosen else {
                return Err(no_way_out(step));
            };
            let way = ways[i].0;
            match way {
                // Withdrawing ends the case from any step.
                Some(e) if Some(e) == self.withdrawn => break (way, Vec::new()),
                Some(e) if step.escalations.iter().all(|x| x.event != e) => {
                    let data = self.draw_data(e, rng);
                    if self.applies(step, e, facts, &data) {
                        break (way, data);
                    }
                    if i >= 64 {
                        return Err(no_way_out(step));
                    }
                    ruled_out |= 1 << i;
                }
                // A request whose every window has a `when` false for the
                // case is not its to make.
                Some(e) if !self.window_for_case(step, e, facts) => {
                    if i >= 64 {
                        return Err(no_way_out(step));
                    }
                    ruled_out |= 1 << i;
                }
                _ => break (way, Vec::new()),
            }
        };

        // When it happens.
        let (when, window_close) = match way {
            None => {
                let close = session.last_window_close().ok_or_else(never_opens)?;
                (close, Some(close))
            }
            Some(e) => match step.escalations.iter().find(|x| x.event == e) {
                Some(x) => {
                    let close = session.window_close(e).ok_or_else(never_opens)?;
                    let opened = match x.anchor {
                        crate::check::ir::Anchor::Entry => entered,
                        crate::check::ir::Anchor::Event(a) => {
                            session.seen_in_step(a).unwrap_or(entered)
                        }
                        // A window from or until a date the case gives:
                        // the request comes between entry and its close.
                        crate::check::ir::Anchor::Fact(_) | crate::check::ir::Anchor::Date(_) => {
                            entered
                        }
                    };
                    let length = match x.anchor {
                        crate::check::ir::Anchor::Fact(_) | crate::check::ir::Anchor::Date(_) => {
                            let days = self.calendar.working_days_between(entered, close);
                            u32::try_from(days.unwrap_or(0).max(0)).unwrap_or(0)
                        }
                        _ => spec_days(facts, x.within),
                    };
                    let date = self
                        .calendar
                        .add_working_days(opened, i64::from(self.delay(e, length, rng)))
                        .map_err(Stop::from)?;
                    (date.min(close).max(entered), Some(close))
                }
                None => {
                    let date = self
                        .calendar
                        .add_working_days(entered, i64::from(self.delay(e, span, rng)))
                        .map_err(Stop::from)?;
                    (date, None)
                }
            },
        };

        // In a step with windows the case moves on by itself the day after
        // the last one closes: nothing else can happen later than that.
        let last_close = session.last_window_close();
        let when = match last_close {
            Some(close) => when.min(close),
            None => when,
        };

        // The tasks that apply, done by then (the ones the way out
        // requires must be).
        let mut tasks: Vec<(NaiveDate, EventId)> = Vec::new();
        let env = Params { facts, data: &[] };
        for t in &step.tasks {
            if t.guard
                .as_ref()
                .is_some_and(|g| g.holds(&env) != Some(true))
            {
                continue;
            }
            let high = t.within.map_or(span, |(d, _)| spec_days(facts, d));
            let date = self
                .calendar
                .add_working_days(entered, i64::from(self.delay(t.event, high, rng)))
                .map_err(Stop::from)?;
            if (window_close.is_some() || last_close.is_some()) && date > when {
                continue;
            }
            tasks.push((date.min(when), t.event));
        }
        tasks.sort();
        let last_task = tasks.last().map_or(entered, |(date, _)| *date);
        // An extension, when the assumptions say one is agreed, is agreed
        // early in the step: once its deadline has started (a deadline may
        // count from a task), before it expires, never beyond its ceiling.
        let mut pending: Option<(usize, u32)> = None;
        if first_visit && self.extended.is_some() {
            for (d, assumed) in &self.step_extensions[step_id.index()] {
                if rng.unit() < assumed.probability {
                    pending = Some((*d, assumed.by.sample(rng)));
                    break;
                }
            }
        }
        let earliest = self
            .calendar
            .add_working_days(entered, 1)
            .map_err(Stop::from)?;
        for (date, event) in tasks {
            if date >= earliest {
                self.extend(session, &mut pending, earliest.max(date).min(when), step)?;
            }
            if moved_by_itself(session, step, here, date)? {
                return Ok(date);
            }
            let needs = step.tasks.iter().filter(|t| t.event == event);
            self.send_notices(session, date, needs.flat_map(|t| &t.notices))?;
            let done = self.reasoned(self.event(date, event, Vec::new()), rng);
            session.apply(&done).map_err(Stop::from)?;
        }
        if earliest <= when {
            self.extend(
                session,
                &mut pending,
                earliest.max(last_task).min(when),
                step,
            )?;
        }
        if moved_by_itself(session, step, here, when)? {
            return Ok(when);
        }
        match way {
            None => session
                .advance_to(when + chrono::Duration::days(2))
                .map_err(Stop::from)?,
            Some(e) => {
                let needs = step.transitions.iter().filter(|t| t.event == e);
                self.send_notices(session, when, needs.flat_map(|t| &t.notices))?;
                session
                    .apply(&self.reasoned(self.event(when, e, data), rng))
                    .map_err(Stop::from)?
            }
        }
        Ok(when)
    }

    /// The notices a task or decision `requires notice`, each sent in
    /// full just before it, so that the engine has no cause to refuse it:
    /// a simulated case handler follows the procedure's letters.
    fn send_notices<'n>(
        &self,
        session: &mut Session<'_>,
        on: NaiveDate,
        names: impl Iterator<Item = &'n String>,
    ) -> Result<(), Stop> {
        for name in names {
            let Some(notice) = self.procedure.notices.iter().find(|n| &n.name == name) else {
                continue;
            };
            let mut event = self.event(on, Builtin::Notice.id(), Vec::new());
            event.notice = Some(notice.name.clone());
            event.includes = notice.includes.clone();
            session.apply(&event).map_err(Stop::from)?;
        }
        Ok(())
    }

    /// The notices a rejection owes (`reject … requires notice`), each sent
    /// in full the day the rejection happened: a simulated case handler
    /// explains a rejection at once, so a simulated rejection is never a
    /// breach, and a case at its outcome is fully closed.
    fn send_owed(&self, session: &mut Session<'_>, tally: &mut Tally) -> Result<(), Stop> {
        for (notice, step, since) in session.notices_owed() {
            let Some(n) = self.procedure.notices.get(notice) else {
                continue;
            };
            // Each letter owed runs like a deadline in the breach table.
            let key = (
                self.procedure.steps[step.index()].name.clone(),
                n.name.clone(),
            );
            if let Some(&i) = self.deadline_index.get(&key) {
                tally.ran[i] += 1;
            }
            let mut event = self.event(since, Builtin::Notice.id(), Vec::new());
            event.notice = Some(n.name.clone());
            event.includes = n.includes.clone();
            session.apply(&event).map_err(Stop::from)?;
        }
        Ok(())
    }

    /// Agrees the pending extension on `on` if its deadline is running
    /// then: a valid extension only, so the engine never has cause to
    /// refuse it. One that cannot be valid yet stays pending; one that
    /// never can is dropped.
    fn extend(
        &self,
        session: &mut Session<'_>,
        pending: &mut Option<(usize, u32)>,
        on: NaiveDate,
        step: &Step,
    ) -> Result<(), Stop> {
        let (Some((d, days)), Some(extended)) = (*pending, self.extended) else {
            return Ok(());
        };
        let Some(state) = session.deadline_due(d) else {
            *pending = None;
            return Ok(());
        };
        let Some(due) = state.due else {
            return Ok(());
        };
        *pending = None;
        // Simulation sends no notices, so an extension that needs one
        // first is never made.
        if state.met || on > due || step.deadlines[d].extension_rules.notice_to.is_some() {
            return Ok(());
        }
        let mut until = self
            .calendar
            .add_working_days(due, i64::from(days))
            .map_err(Stop::from)?;
        if let Some(ceiling) = state.ceiling {
            until = until.min(ceiling);
        }
        if until <= due {
            return Ok(());
        }
        let mut event = self.event(on, extended, Vec::new());
        event.deadline = Some(step.deadlines[d].name.clone());
        event.extension = Some(crate::engine::ExtensionRequest::Until(until));
        event.granted_by = step.deadlines[d].extension_rules.granted_by;
        event.agreed_by = step.deadlines[d].extension_rules.agreed_by;
        session.apply(&event).map_err(Stop::from)
    }

    fn finish(&self, session: &Session<'_>, arrival: NaiveDate, on: NaiveDate, tally: &mut Tally) {
        let outcome = session.outcome().unwrap_or_default();
        let index = match self
            .procedure
            .outcomes
            .iter()
            .position(|o| o.name == outcome)
        {
            Some(i) => i,
            None => self.procedure.outcomes.len(),
        };
        tally.outcomes[index] += 1;
        let days = self
            .calendar
            .working_days_between(arrival, on)
            .unwrap_or(0)
            .max(0) as u32;
        tally.histogram[(days as usize).min(HISTOGRAM)] += 1;
        tally.max_days = tally.max_days.max(days);
        tally.total_days += u64::from(days);
        tally.ended += 1;
        for b in session.breaches() {
            if let Some(&i) = self
                .deadline_index
                .get(&(b.step.clone(), b.deadline.clone()))
            {
                tally.breached[i] += 1;
            }
        }
        for b in session.late_with_reason() {
            if let Some(&i) = self
                .deadline_index
                .get(&(b.step.clone(), b.deadline.clone()))
            {
                tally.late_with_reason[i] += 1;
            }
        }
    }

    /// One version's part of a run: its procedure, calendar and
    /// assumptions, indexed for the hot loop.
    fn new<'a>(version: &Version<'a>) -> Simulation<'a> {
        let Version {
            procedure,
            calendar,
            assumptions,
        } = *version;
        let mut deadlines = Vec::new();
        let mut step_deadlines = vec![Vec::new(); procedure.steps.len()];
        for (i, step) in procedure.steps.iter().enumerate() {
            let names = step.deadlines.iter().map(|d| d.name.clone()).chain(
                step.tasks
                    .iter()
                    .filter(|t| t.within.is_some())
                    .map(|t| t.name.clone()),
            );
            for name in names {
                step_deadlines[i].push(deadlines.len());
                deadlines.push((step.name.clone(), name));
            }
        }
        let mut track_deadlines = vec![Vec::new(); procedure.tracks.len()];
        for (i, track) in procedure.tracks.iter().enumerate() {
            let names = track.deadlines.iter().map(|d| d.name.clone()).chain(
                track
                    .tasks
                    .iter()
                    .filter(|t| t.within.is_some())
                    .map(|t| t.name.clone()),
            );
            for name in names {
                track_deadlines[i].push(deadlines.len());
                deadlines.push((track.name.clone(), name));
            }
        }
        // The letters a step's rejections owe, named after the notice, so that
        // the breach table shows how often each was owed and never late.
        for step in &procedure.steps {
            let owed = step
                .rejects
                .iter()
                .chain(&step.refusals)
                .filter_map(|r| r.notice.as_ref())
                .flat_map(|n| &n.notices);
            for name in owed {
                let key = (step.name.clone(), name.clone());
                if !deadlines.contains(&key) {
                    deadlines.push(key);
                }
            }
        }
        let deadline_index = deadlines
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        let step_choices = (0..procedure.steps.len())
            .map(|i| match assumptions.choices.get(&i) {
                Some(w) => w.clone(),
                None => {
                    let all = exits(procedure, StepId(i as u32));
                    let share = 1.0 / all.len().max(1) as f64;
                    all.into_iter().map(|e| (e, share)).collect()
                }
            })
            .collect();
        Simulation {
            withdrawn: Some(Builtin::Withdrawn.id()),
            extended: Some(Builtin::Extended.id()),
            step_extensions: (0..procedure.steps.len())
                .map(|i| {
                    assumptions
                        .extensions
                        .iter()
                        .filter(|((s, _), _)| *s == i)
                        .map(|((_, d), e)| (*d, *e))
                        .collect()
                })
                .collect(),
            fact_draws: (0..procedure.facts.len())
                .map(|i| assumptions.facts.get(&i).cloned())
                .collect(),
            step_choices,
            event_delays: (0..procedure.events.len())
                .map(|i| assumptions.durations.get(&i).copied())
                .collect(),
            event_data: procedure
                .events
                .iter()
                .enumerate()
                .map(|(e, event)| {
                    (0..event.params.len())
                        .map(|p| assumptions.data.get(&(e, p)).cloned())
                        .collect()
                })
                .collect(),
            procedure,
            calendar,
            deadlines,
            deadline_index,
            step_deadlines,
            track_deadlines,
            late_reasons: assumptions.late_reasons,
        }
    }
}

/// One version of a procedure to simulate: the calendar its cases count
/// in (the procedure's own, with any bank-holidays file) and the
/// assumptions read against it.
#[derive(Clone, Copy)]
pub struct Version<'a> {
    pub procedure: &'a Procedure,
    pub calendar: &'a Calendar,
    pub assumptions: &'a Assumptions,
}

/// When cases arrive: `per_working_day` on each working day of the
/// calendar from the first.
struct Arrivals<'a> {
    calendar: &'a Calendar,
    first: NaiveDate,
    per_working_day: u32,
}

impl Arrivals<'_> {
    fn of(&self, case: u64) -> Result<NaiveDate, crate::calendar::CalendarError> {
        let offset = i64::try_from(case / u64::from(self.per_working_day)).unwrap_or(i64::MAX);
        self.calendar.add_working_days(self.first, offset)
    }
}

/// The position in `effective` (the versions' dates, in the order they
/// took effect) of the version in force on `day`: the last to take effect
/// on or before it, a version without a date being in force from the
/// start, as `run` chooses for a real case. Before every version's date it
/// is the first: a caller choosing by date refuses such a day first, and
/// one procedure is simulated whatever its date.
fn in_force(effective: &[Option<NaiveDate>], day: NaiveDate) -> usize {
    effective
        .iter()
        .rposition(|e| e.is_none_or(|e| e <= day))
        .unwrap_or(0)
}

/// The tallies of one chunk of cases, one a version: each case is
/// simulated and tallied with the version in force when it arrives.
fn chunk(
    sims: &[Simulation<'_>],
    effective: &[Option<NaiveDate>],
    arrivals: &Arrivals<'_>,
    chunk: u64,
    config: &Config,
) -> Vec<Tally> {
    let mut rng = Rng::new(config.seed, chunk);
    let mut tallies: Vec<Tally> = sims.iter().map(Tally::new).collect();
    let first = chunk * CHUNK;
    for k in first..(first + CHUNK).min(config.cases) {
        match arrivals.of(k) {
            Ok(arrival) => {
                let v = in_force(effective, arrival);
                let tally = &mut tallies[v];
                tally.cases += 1;
                tally.received = Some(match tally.received {
                    Some((from, _)) => (from, arrival),
                    None => (arrival, arrival),
                });
                sims[v].run_case(arrival, &mut rng, tally);
            }
            // Not expected: the arrivals were checked to fit the calendar.
            Err(e) => {
                tallies[0].cases += 1;
                tallies[0].stop(e.into());
            }
        }
    }
    tallies
}

fn per_working_day(assumed: Option<u32>, cases: u64) -> u32 {
    assumed
        .unwrap_or_else(|| {
            u32::try_from(cases.max(1).div_ceil(250))
                .unwrap_or(u32::MAX)
                .max(1)
        })
        // Zero a day is refused with the assumptions (E0904); never
        // divided by.
        .max(1)
}

/// The days the first and the last simulated case arrive (`received`),
/// as `simulate` spreads them over `calendar` (that of the version in
/// force on `--start`), `per_working_day` a day (`arrivals` in the
/// assumptions, or spread over about a year), so that a caller can choose
/// the versions in force over them; `None` when the last falls beyond the
/// calendar.
pub fn arrival_period(
    calendar: &Calendar,
    per_working_day: Option<u32>,
    config: &Config,
) -> Option<(NaiveDate, NaiveDate)> {
    let per_working_day = self::per_working_day(per_working_day, config.cases);
    let first = match calendar.is_working_day(config.start) {
        Ok(true) => config.start,
        _ => calendar.next_working_day(config.start).ok()?,
    };
    let last_offset = i64::try_from(config.cases.saturating_sub(1) / u64::from(per_working_day))
        .unwrap_or(i64::MAX);
    let last = calendar.add_working_days(first, last_offset).ok()?;
    Some((first, last))
}

/// Simulates `config.cases` cases of `procedure`.
pub fn simulate(
    procedure: &Procedure,
    calendar: &Calendar,
    assumptions: &Assumptions,
    config: &Config,
) -> Result<Summary, SimulateError> {
    simulate_versions(
        &[Version {
            procedure,
            calendar,
            assumptions,
        }],
        config,
    )
}

/// Simulates `config.cases` cases, each with the version in force on the
/// day it is received. Cases arrive on the working days of the version in
/// force on `config.start` (of the first, when `start` is before them
/// all), `arrivals.per_working_day` of its assumptions a day. With more
/// than one version, the summary has each version's figures too.
pub fn simulate_versions(
    versions: &[Version<'_>],
    config: &Config,
) -> Result<Summary, SimulateError> {
    if config.cases == 0 {
        return Err(SimulateError::NoCases);
    }
    let mut versions = versions.to_vec();
    // Stable, so versions of one date keep the order given; one without a
    // date sorts first, in force until the first dated one.
    versions.sort_by_key(|v| v.procedure.effective);
    let effective: Vec<Option<NaiveDate>> =
        versions.iter().map(|v| v.procedure.effective).collect();
    let Some(at_start) = versions.get(in_force(&effective, config.start)) else {
        return Err(SimulateError::NoProcedure);
    };
    let calendar = at_start.calendar;
    let per_working_day = per_working_day(at_start.assumptions.per_working_day, config.cases);
    let first_arrival = match calendar.is_working_day(config.start) {
        Ok(true) => config.start,
        _ => calendar
            .next_working_day(config.start)
            .unwrap_or(config.start),
    };
    let last_offset =
        i64::try_from((config.cases - 1) / u64::from(per_working_day)).unwrap_or(i64::MAX);
    // Leave room after the last arrival for the case itself to run, in
    // every version's calendar.
    let room = last_offset.saturating_add(2000);
    if std::iter::once(calendar)
        .chain(versions.iter().map(|v| v.calendar))
        .any(|c| c.add_working_days(first_arrival, room).is_err())
    {
        return Err(SimulateError::ArrivalsOutOfRange {
            last: format!("{last_offset} working days after {first_arrival}"),
        });
    }
    let arrivals = Arrivals {
        calendar,
        first: first_arrival,
        per_working_day,
    };
    let sims: Vec<Simulation<'_>> = versions.iter().map(Simulation::new).collect();

    let chunks = config.cases.div_ceil(CHUNK);
    let add = |a: Vec<Tally>, b: Vec<Tally>| -> Vec<Tally> {
        a.into_iter().zip(b).map(|(a, b)| a.add(b)).collect()
    };
    let run = || {
        (0..chunks)
            .into_par_iter()
            .map(|c| chunk(&sims, &effective, &arrivals, c, config))
            .reduce(|| sims.iter().map(Tally::new).collect(), add)
    };
    let tallies = match config.threads {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        },
        None => run(),
    };
    Ok(summary::summarise(
        &sims,
        &tallies,
        summary::Header {
            cases: config.cases,
            seed: config.seed,
            start: first_arrival,
            per_working_day,
        },
    ))
}
