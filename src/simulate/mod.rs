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

mod assumptions;
mod rng;
mod tracks;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::paths::working_days;
use crate::calendar::Calendar;
use crate::check::ir::{
    Builtin, DurationSpec, Env, EventId, FactId, Procedure, Step, StepId, Type, Unit, Value,
};
use crate::engine::{CaseEvent, Position, Session};

pub use assumptions::{
    exits, load as load_assumptions, AssumptionErrorKind, Assumptions, Distribution, Extension,
    FactDraw,
};
use rng::Rng;

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

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Share {
    pub name: String,
    pub cases: u64,
    pub share: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Durations {
    pub p50: u32,
    pub p90: u32,
    pub p99: u32,
    pub max: u32,
    pub mean: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BreachRate {
    pub step: String,
    pub deadline: String,
    /// How many times the deadline ran (its step was entered).
    pub ran: u64,
    pub breached: u64,
    pub rate: f64,
    /// Times a soft deadline was met late by an event with a reason
    /// (`late_reasons` in the assumptions): not breaches, and not in
    /// `rate`.
    pub late_with_reason: u64,
}

/// The result of a simulation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub procedure: String,
    /// The version simulated and the day it took effect, when the
    /// procedure declares them: with several versions, the one in force on
    /// every simulated case's received date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<NaiveDate>,
    pub cases: u64,
    pub seed: u64,
    pub start: NaiveDate,
    pub per_working_day: u32,
    pub outcomes: Vec<Share>,
    pub steps_reached: Vec<Share>,
    /// From `received` to the end, for the cases that ended.
    pub duration_working_days: Durations,
    pub breaches: Vec<BreachRate>,
    pub mean_loops: f64,
    /// Cases that had not ended when they reached the loop bound
    /// (`loop_bound` re-entries of steps) or took too many steps.
    pub unfinished: u64,
    pub loop_bound: u32,
    /// Cases the engine stopped, by diagnostic code (there should be
    /// none): how many, and the first one's message.
    pub stopped: BTreeMap<String, Stopped>,
    /// All the cases the engine stopped; `simulate` exits 1 when any.
    pub stopped_cases: u64,
    /// Facts the assumptions give no distribution, and the value every
    /// simulated case was given instead ("name = value").
    pub defaults: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stopped {
    pub cases: u64,
    pub example: String,
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
    /// Arrivals would run past the calendar's last year.
    ArrivalsOutOfRange {
        last: String,
    },
}

impl std::fmt::Display for SimulateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimulateError::NoCases => f.write_str("simulate at least one case (--cases N, N ≥ 1)"),
            SimulateError::ArrivalsOutOfRange { last } => write!(
                f,
                "the last case would arrive after the calendars end ({last}); start earlier or raise arrivals.per_working_day"
            ),
        }
    }
}

/// The tallies of a chunk of cases; chunks are added together.
#[derive(Clone, Debug)]
struct Tally {
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

/// Everything a run shares across threads.
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
    first_arrival: NaiveDate,
    per_working_day: u32,
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
            person: None,
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

    fn chunk(&self, chunk: u64, cases: u64, seed: u64) -> Tally {
        let mut rng = Rng::new(seed, chunk);
        let mut tally = Tally::new(self);
        let first = chunk * CHUNK;
        for k in first..(first + CHUNK).min(cases) {
            let offset = i64::try_from(k / u64::from(self.per_working_day)).unwrap_or(i64::MAX);
            match self.calendar.add_working_days(self.first_arrival, offset) {
                Ok(arrival) => self.run_case(arrival, &mut rng, &mut tally),
                Err(e) => tally.stop(e.into()),
            }
        }
        tally
    }
}

/// The days the first and the last simulated case arrive (`received`),
/// as `simulate` spreads them, so that a caller can choose the version in
/// force over them; `None` when the last falls beyond the calendar.
pub fn arrival_period(
    calendar: &Calendar,
    assumptions: &Assumptions,
    config: &Config,
) -> Option<(NaiveDate, NaiveDate)> {
    let per_working_day = assumptions.per_working_day.unwrap_or_else(|| {
        u32::try_from(config.cases.max(1).div_ceil(250))
            .unwrap_or(u32::MAX)
            .max(1)
    });
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
    if config.cases == 0 {
        return Err(SimulateError::NoCases);
    }
    let per_working_day = assumptions.per_working_day.unwrap_or_else(|| {
        u32::try_from(config.cases.div_ceil(250))
            .unwrap_or(u32::MAX)
            .max(1)
    });
    let first_arrival = match calendar.is_working_day(config.start) {
        Ok(true) => config.start,
        _ => calendar
            .next_working_day(config.start)
            .unwrap_or(config.start),
    };
    let last_offset =
        i64::try_from((config.cases - 1) / u64::from(per_working_day)).unwrap_or(i64::MAX);
    // Leave room after the last arrival for the case itself to run.
    if calendar
        .add_working_days(first_arrival, last_offset.saturating_add(2000))
        .is_err()
    {
        return Err(SimulateError::ArrivalsOutOfRange {
            last: format!("{last_offset} working days after {first_arrival}"),
        });
    }

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
    let sim = Simulation {
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
        first_arrival,
        per_working_day,
        late_reasons: assumptions.late_reasons,
    };

    let chunks = config.cases.div_ceil(CHUNK);
    let run = || {
        (0..chunks)
            .into_par_iter()
            .map(|c| sim.chunk(c, config.cases, config.seed))
            .reduce(|| Tally::new(&sim), Tally::add)
    };
    let tally = match config.threads {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(run),
            Err(_) => run(),
        },
        None => run(),
    };
    Ok(summarise(&sim, tally, config, per_working_day))
}

fn share(name: String, cases: u64, total: u64) -> Share {
    Share {
        name,
        cases,
        share: if total == 0 {
            0.0
        } else {
            cases as f64 / total as f64
        },
    }
}

fn percentile(histogram: &[u64], total: u64, p: f64) -> u32 {
    if total == 0 {
        return 0;
    }
    let wanted = ((total as f64) * p).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (days, n) in histogram.iter().enumerate() {
        seen += n;
        if seen >= wanted {
            return days as u32;
        }
    }
    histogram.len() as u32
}

fn summarise(sim: &Simulation<'_>, tally: Tally, config: &Config, per_working_day: u32) -> Summary {
    let p = sim.procedure;
    let mut outcomes: Vec<Share> = p
        .outcomes
        .iter()
        .enumerate()
        .map(|(i, o)| share(o.name.clone(), tally.outcomes[i], config.cases))
        .collect();
    // Every case is counted once, so the shares add up to all of them.
    let stopped_cases: u64 = tally.stopped.values().map(|s| s.cases).sum();
    let extra = [
        (
            "(turned away, awaiting resubmission)",
            tally.outcomes[p.outcomes.len()],
        ),
        ("(unfinished at the loop bound)", tally.unfinished),
        ("(stopped by the engine)", stopped_cases),
    ];
    for (name, n) in extra {
        if n > 0 {
            outcomes.push(share(name.to_string(), n, config.cases));
        }
    }
    let steps_reached = p
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| share(s.name.clone(), tally.reached[i], config.cases))
        .collect();
    let breaches = sim
        .deadlines
        .iter()
        .enumerate()
        .map(|(i, (step, deadline))| BreachRate {
            step: step.clone(),
            deadline: deadline.clone(),
            ran: tally.ran[i],
            breached: tally.breached[i],
            late_with_reason: tally.late_with_reason[i],
            rate: if tally.ran[i] == 0 {
                0.0
            } else {
                tally.breached[i] as f64 / tally.ran[i] as f64
            },
        })
        .collect();
    Summary {
        procedure: p.id.clone(),
        version: p.version.clone(),
        effective: p.effective,
        cases: config.cases,
        seed: config.seed,
        start: sim.first_arrival,
        per_working_day,
        outcomes,
        steps_reached,
        duration_working_days: Durations {
            p50: percentile(&tally.histogram, tally.ended, 0.50),
            p90: percentile(&tally.histogram, tally.ended, 0.90),
            p99: percentile(&tally.histogram, tally.ended, 0.99),
            max: tally.max_days,
            mean: if tally.ended == 0 {
                0.0
            } else {
                tally.total_days as f64 / tally.ended as f64
            },
        },
        breaches,
        mean_loops: tally.loops as f64 / config.cases as f64,
        unfinished: tally.unfinished,
        loop_bound: MAX_LOOPS,
        stopped: tally.stopped,
        stopped_cases,
        defaults: defaults(p, &sim.fact_draws),
    }
}

/// The facts simulated at their default value, as the report's header
/// says them.
fn defaults(p: &Procedure, draws: &[Option<FactDraw>]) -> Vec<String> {
    p.facts
        .iter()
        .zip(draws)
        .filter(|(_, draw)| draw.is_none())
        .filter_map(|(fact, _)| {
            let value = match &fact.ty {
                Type::Bool => "false".to_string(),
                Type::Enum(values) => values.first()?.clone(),
                Type::Duration => format!("{DEFAULT_DURATION_WORKING_DAYS} working days"),
                Type::Date => "the day the case is received".to_string(),
                _ => return None,
            };
            Some(format!("{} = {value}", fact.name))
        })
        .collect()
}

fn shares(out: &mut String, list: &[Share]) {
    for o in list {
        out.push_str(&format!(
            "  {:<36} {:>6.2}%  {:>9}\n",
            o.name,
            o.share * 100.0,
            o.cases
        ));
    }
}

/// The summary for people.
pub fn human(s: &Summary) -> String {
    let mut out = String::new();
    // A stopped case means the simulation is not to be trusted: said first.
    if s.stopped_cases > 0 {
        out.push_str(&format!(
            "ERROR: the engine stopped {} of {} simulated cases; the figures below leave them out\n",
            s.stopped_cases, s.cases
        ));
        for (code, stopped) in &s.stopped {
            out.push_str(&format!(
                "  {code} ({} cases), for example: {}\n",
                stopped.cases, stopped.example
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Simulated {} cases of {} (seed {}; arrivals from {}, {} a working day)\n",
        s.cases, s.procedure, s.seed, s.start, s.per_working_day
    ));
    if let Some(version) = &s.version {
        let from = s
            .effective
            .map(|d| format!(", in force from {d}"))
            .unwrap_or_default();
        out.push_str(&format!("Version {version}{from}\n"));
    }
    if !s.defaults.is_empty() {
        out.push_str(&format!(
            "Facts without an assumption, given to every case: {}\n",
            s.defaults.join(", ")
        ));
    }
    out.push_str("\nOutcomes\n");
    shares(&mut out, &s.outcomes);
    out.push_str("\nSteps reached\n");
    shares(&mut out, &s.steps_reached);
    let d = &s.duration_working_days;
    out.push_str(&format!(
        "\nWorking days from received to the end\n  p50 {}   p90 {}   p99 {}   max {}   mean {:.1}\n",
        d.p50, d.p90, d.p99, d.max, d.mean
    ));
    out.push_str("\nBreach rate per deadline\n");
    for b in &s.breaches {
        out.push_str(&format!(
            "  {:<36} {:>6.2}%  ({} of {} times it ran{})\n",
            format!("{}.{}", b.step, b.deadline),
            b.rate * 100.0,
            b.breached,
            b.ran,
            if b.late_with_reason > 0 {
                format!("; {} more late, with reason", b.late_with_reason)
            } else {
                String::new()
            }
        ));
    }
    out.push_str(&format!("\nLoops: {:.3} a case on average\n", s.mean_loops));
    if s.unfinished > 0 {
        out.push_str(&format!(
            "Unfinished: {} cases reached the bound of {} loops a case\n",
            s.unfinished, s.loop_bound
        ));
    }
    out
}
