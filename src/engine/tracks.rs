//! Tracks: work that runs beside the steps once a transition `starts` it
//! (`track remedial_actions { … on actions_completed -> done }`).
//!
//! The rules, in brief (docs/language.md has them in full):
//! - a transition with `starts T` starts T on the day it fires; its
//!   deadlines and tasks count `from entry` from that day, and from an
//!   event from that event's first date in the track;
//! - starting a track that is running changes nothing (its clocks go on
//!   from the first start, so a later promise cannot push its due dates
//!   back); a track that is done starts afresh;
//! - an event a track takes (its tasks, `met by` and `-> done` events; the
//!   checker keeps them apart from every step's, E0462) goes to that track
//!   alone, while the main line is open or after it has closed; it is
//!   refused (E0801 `track_not_running`) when the track is not running;
//! - `on E -> done` ends the track: deadlines and tasks left unmet past
//!   their due date are breaches then, like leaving a step;
//! - a case whose main line has reached an outcome is fully closed only
//!   when every track it started is done.
//!
//! As with steps, [`decide`] reads the state and returns a [`TrackEffect`]
//! or a refusal, and [`apply`] alone changes the state.

use chrono::NaiveDate;

use crate::check::ir::{Anchor, Builtin, EventId, Track};

use super::clock::{Clock, Due};
use super::context::{Ctx, Facts, Moment};
use super::decide::{moment, received_on, Failure};
use super::effect::Log;
use super::error::ReplayErrorKind;
use super::report::{Breach, TimelineEntry};
use super::state::State;
use super::CaseEvent;

/// One run of a track in a case: from the day it started to the day it
/// finished.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TrackRun {
    /// By position in `Procedure::tracks`.
    pub(crate) track: usize,
    pub(crate) started: NaiveDate,
    pub(crate) done: Option<NaiveDate>,
    /// The latest date of each event in this run, the one that started it
    /// included: what its time limits count from.
    pub(crate) seen: Vec<(EventId, NaiveDate)>,
    pub(crate) deadlines: Vec<Clock>,
    pub(crate) task_done: Vec<Option<NaiveDate>>,
    pub(crate) task_clocks: Vec<Option<Clock>>,
}

impl TrackRun {
    fn anchor(&self, anchor: Anchor) -> Option<NaiveDate> {
        match anchor {
            Anchor::Entry => Some(self.started),
            Anchor::Event(e) => self.seen.iter().find(|(s, _)| *s == e).map(|(_, d)| *d),
            Anchor::Fact(_) | Anchor::Date(_) => None,
        }
    }

    fn new(track: &Track, index: usize, on: NaiveDate, by: Option<EventId>) -> TrackRun {
        let mut run = TrackRun {
            track: index,
            started: on,
            done: None,
            seen: by.map(|e| (e, on)).into_iter().collect(),
            deadlines: Vec::new(),
            task_done: vec![None; track.tasks.len()],
            task_clocks: Vec::new(),
        };
        for d in &track.deadlines {
            let clock = Clock::new(d.duration, run.anchor(d.anchor))
                .beginning_with(d.beginning)
                .dated(d.anchor);
            run.deadlines.push(clock);
        }
        for t in &track.tasks {
            let clock = t.within.map(|(duration, anchor)| {
                Clock::new(duration, run.anchor(anchor))
                    .beginning_with(t.within_beginning)
                    .dated(anchor)
            });
            run.task_clocks.push(clock);
        }
        run
    }

    pub(crate) fn running(&self) -> bool {
        self.done.is_none()
    }
}

/// What a track event, or a transition's `starts`, does to the tracks.
#[derive(Debug, Default)]
pub(crate) struct TrackEffect {
    /// Tracks to start, by position; a running one is noted, not restarted.
    pub(crate) starts: Vec<usize>,
    /// A track event: the run (by position in `State::tracks`) it goes to.
    pub(crate) run: Option<usize>,
    pub(crate) task: Option<usize>,
    pub(crate) met: Vec<usize>,
    pub(crate) started: Vec<usize>,
    pub(crate) tasks_started: Vec<usize>,
    pub(crate) done: bool,
    pub(crate) breaches: Vec<Breach>,
}

/// The track that takes `event`, if any (at most one: E0462).
pub(crate) fn owner(ctx: &Ctx<'_>, event: EventId) -> Option<usize> {
    ctx.procedure.tracks.iter().position(|t| t.takes(event))
}

fn facts_for<'s>(state: &'s State, event: &'s CaseEvent) -> Facts<'s> {
    Facts {
        known: &state.facts,
        learnt: &event.facts,
        moment: Moment {
            received: received_on(state),
            current: Some(event.event),
            ..moment(state, event.on)
        },
    }
}

/// The tracks the transition `event` fires in the current step starts: the
/// first transition on it whose guard holds, as `decide` chooses. Called
/// only once `decide` has accepted the event.
pub(crate) fn started_by(ctx: &Ctx<'_>, state: &State, event: &CaseEvent) -> Vec<usize> {
    let Some(visit) = state.visit() else {
        return Vec::new();
    };
    if Builtin::of(event.event).is_some() || ctx.procedure.tracks.is_empty() {
        return Vec::new();
    }
    let facts = facts_for(state, event);
    let step = ctx.step(visit.step);
    step.transitions_on(event.event)
        .find(|t| match &t.guard {
            Some(g) => ctx
                .holds(g, facts, &event.data, String::new)
                .unwrap_or(false),
            None => true,
        })
        .map(|t| t.starts.iter().map(|s| *s as usize).collect())
        .unwrap_or_default()
}

/// What a track's own event does, or why it cannot happen.
pub(crate) fn decide(
    ctx: &Ctx<'_>,
    state: &State,
    event: &CaseEvent,
    index: usize,
) -> Result<TrackEffect, Failure> {
    let track = &ctx.procedure.tracks[index];
    let name = ctx.event_name(event.event);
    let Some(r) = state
        .tracks
        .iter()
        .rposition(|run| run.track == index && run.running())
    else {
        let why = match state.tracks.iter().rev().find(|run| run.track == index) {
            Some(run) => format!(
                "track `{}` finished on {}; a transition with `starts {}` starts it again",
                track.name,
                run.done.unwrap_or(run.started),
                track.name
            ),
            None => format!(
                "track `{}` has not started: a transition with `starts {}` starts it",
                track.name, track.name
            ),
        };
        return Err((
            ReplayErrorKind::NotAllowed {
                event: name.to_string(),
                on: event.on,
                step: track.name.clone(),
                allowed: why,
                reason: "track_not_running",
            },
            None,
        ));
    };
    let run = &state.tracks[r];
    let facts = facts_for(state, event);
    let mut effect = TrackEffect {
        run: Some(r),
        ..TrackEffect::default()
    };
    let late = |clock: &Clock, what: &str, cites: &[String], on: NaiveDate| {
        let due = clock.due(ctx, facts).ok()?.date()?;
        (on > due).then(|| breach(ctx, track, what, due, Some(on), on, cites))
    };
    if let Some(t) = track.tasks.iter().position(|t| t.event == event.event) {
        let rule = &track.tasks[t];
        if !ctx
            .applies(&rule.guard, facts, || format!("task `{}`", rule.name))
            .map_err(|k| (k, None))?
        {
            return Err((
                ReplayErrorKind::NotAllowed {
                    event: name.to_string(),
                    on: event.on,
                    step: track.name.clone(),
                    allowed: format!(
                        "task `{}` does not apply to this case: its condition does not hold",
                        rule.name
                    ),
                    reason: "task_does_not_apply",
                },
                None,
            ));
        }
        if let Some(clock) = run.task_clocks[t].as_ref().filter(|c| c.met.is_none()) {
            effect
                .breaches
                .extend(late(clock, &rule.name, &rule.cites, event.on));
        }
        effect.task = Some(t);
    }
    for (i, d) in track.deadlines.iter().enumerate() {
        if !ctx.deadline_applies(d, facts) {
            continue;
        }
        let clock = &run.deadlines[i];
        if d.met_by.contains(&event.event) && clock.met.is_none() {
            effect.met.push(i);
            effect
                .breaches
                .extend(late(clock, &d.name, &d.cites, event.on));
        }
        if d.anchor == Anchor::Event(event.event) && clock.anchor.is_none() {
            effect.started.push(i);
        }
    }
    for (t, rule) in track.tasks.iter().enumerate() {
        if matches!(rule.within, Some((_, Anchor::Event(e))) if e == event.event)
            && run.task_clocks[t]
                .as_ref()
                .is_some_and(|c| c.anchor.is_none())
        {
            effect.tasks_started.push(t);
        }
    }
    if track.done_on.contains(&event.event) {
        effect.done = true;
        // Finishing meets what has no `met by` of its own; anything else
        // left unmet past its due date is a breach, as on leaving a step.
        for (i, d) in track.deadlines.iter().enumerate() {
            let clock = &run.deadlines[i];
            if clock.met.is_some() || effect.met.contains(&i) || !ctx.deadline_applies(d, facts) {
                continue;
            }
            if let Ok(Due::On(due)) = clock.due(ctx, facts) {
                if event.on > due {
                    let met_on = d.met_by.is_empty().then_some(event.on);
                    effect
                        .breaches
                        .push(breach(ctx, track, &d.name, due, met_on, event.on, &d.cites));
                }
            }
        }
        for (t, task) in track.tasks.iter().enumerate() {
            if effect.task == Some(t) {
                continue;
            }
            let Some(clock) = run.task_clocks[t].as_ref().filter(|c| c.met.is_none()) else {
                continue;
            };
            if let Ok(Due::On(due)) = clock.due(ctx, facts) {
                if event.on > due {
                    effect.breaches.push(breach(
                        ctx,
                        track,
                        &task.name,
                        due,
                        None,
                        event.on,
                        &task.cites,
                    ));
                }
            }
        }
    }
    Ok(effect)
}

/// A breach of a track's deadline or task: reported as any other, with
/// the track's name where a step's would be.
pub(crate) fn breach(
    ctx: &Ctx<'_>,
    track: &Track,
    name: &str,
    due: NaiveDate,
    met_on: Option<NaiveDate>,
    on: NaiveDate,
    cites: &[String],
) -> Breach {
    Breach {
        step: track.name.clone(),
        deadline: name.to_string(),
        due,
        met_on,
        late_working_days: super::clock::working_days_late(ctx.calendar, due, on),
        cite: cites.to_vec(),
        reason: None,
    }
}

/// Applies a track effect: with [`super::effect::apply`], the only code
/// that changes a [`State`]. `from` is the step the event was made in, for
/// the timeline.
pub(crate) fn apply(
    ctx: &Ctx<'_>,
    state: &mut State,
    event: &CaseEvent,
    effect: TrackEffect,
    log: &mut Log,
) {
    let on = event.on;
    if let Some(r) = effect.run {
        if let Some(slot) = state.last_seen.get_mut(event.event.index()) {
            *slot = Some(on);
        }
        for (fact, value) in &event.facts {
            if let Some(slot) = state.facts.get_mut(fact.index()) {
                *slot = Some(value.clone());
            }
        }
        state.breaches.extend(effect.breaches);
        let run = &mut state.tracks[r];
        match run.seen.iter_mut().find(|(e, _)| *e == event.event) {
            Some(slot) => slot.1 = on,
            None => run.seen.push((event.event, on)),
        }
        if let Some(t) = effect.task {
            run.task_done[t] = Some(on);
            if let Some(clock) = run.task_clocks[t].as_mut() {
                clock.met = Some(on);
            }
        }
        for d in effect.met {
            run.deadlines[d].met = Some(on);
        }
        for d in effect.started {
            run.deadlines[d].anchor = Some(on);
        }
        for t in effect.tasks_started {
            if let Some(clock) = run.task_clocks[t].as_mut() {
                clock.anchor = Some(on);
            }
        }
        if effect.done {
            run.done = Some(on);
        }
        let name = &ctx.procedure.tracks[run.track].name;
        let done = run.done.is_some();
        log.push(|| TimelineEntry {
            on,
            event: ctx.event_name(event.event).to_string(),
            from: Some(format!("track {name}")),
            to: done.then(|| format!("track {name} done")),
            automatic: false,
            cite: Vec::new(),
            note: event.note.clone(),
        });
    }
    for index in effect.starts {
        let track = &ctx.procedure.tracks[index];
        let running = state
            .tracks
            .iter()
            .find(|run| run.track == index && run.running());
        if let Some(run) = running {
            let since = run.started;
            log.push(|| TimelineEntry {
                on,
                event: format!("starts {}", track.name),
                from: None,
                to: None,
                automatic: true,
                cite: track.cites.clone(),
                note: Some(format!(
                    "already running since {since}; its due dates stay as they were"
                )),
            });
            continue;
        }
        state
            .tracks
            .push(TrackRun::new(track, index, on, Some(event.event)));
        log.push(|| TimelineEntry {
            on,
            event: format!("starts {}", track.name),
            from: None,
            to: Some(format!("track {}", track.name)),
            automatic: true,
            cite: track.cites.clone(),
            note: track.title.clone(),
        });
    }
}
