//! What an event does to a case, as a value, and the one place it is
//! applied. [`super::decide`] computes an [`Effect`] from the state without
//! changing it, so an event that is refused leaves the case exactly as it
//! was; [`apply`] cannot fail.

use chrono::NaiveDate;

use crate::check::ir::{OutcomeId, Step, StepId, Target};

use super::clock::Extended;
use super::context::Ctx;
use super::report::{Breach, TimelineEntry};
use super::state::{Closed, Phase, State, Visit};
use super::CaseEvent;

/// An event's (or the passing of time's) consequence.
#[derive(Debug)]
pub(crate) struct Effect<'a> {
    pub(crate) on: NaiveDate,
    pub(crate) change: Change,
    /// Deadlines met late, or left unmet past their due date, by this change.
    pub(crate) breaches: Vec<Breach>,
    /// The rule's citations, for the timeline.
    pub(crate) cites: &'a [String],
}

#[derive(Debug)]
pub(crate) enum Change {
    /// `received`: the case enters its start step.
    Start(Entry),
    /// The case stays in its step: a task done, deadlines met, clocks
    /// started by their anchor, tasks due again.
    Stay {
        task: Option<usize>,
        met: Vec<usize>,
        started: Vec<usize>,
        tasks_started: Vec<usize>,
        reopened: Vec<u32>,
        /// A transition back to the same step (`on report_rejected -> step2`
        /// while in step2): shown as a move in the timeline.
        looped: bool,
    },
    /// The case leaves its step for another step or an outcome.
    /// `windows_closed` is set for the move the procedure makes by itself:
    /// the day the step's last window closed (the timeline's note is made
    /// from it only when a timeline is kept).
    Move {
        entry: Entry,
        windows_closed: Option<NaiveDate>,
    },
    /// `on missed`: the deadline (by position in the step) was due on
    /// `due` and not met; the procedure moves the case the day after.
    Missed {
        entry: Entry,
        deadline: usize,
        due: NaiveDate,
    },
    Withdraw(OutcomeId),
    Pause {
        rule: usize,
    },
    Resume,
    Extend {
        deadline: usize,
        until: NaiveDate,
        /// Beyond a `without good reason` ceiling, on the event's reason.
        beyond_usual: bool,
        /// The due date it had passed, for an extension made late.
        late_from: Option<NaiveDate>,
    },
    /// A complaint turned away comes back: the step is entered afresh.
    Resubmit(Entry),
    /// A referral is made to a body (`referred`).
    Refer(crate::check::ir::BodyId),
    /// A notice is sent, by position in the procedure's `notices`.
    Notice(usize),
}

/// Where entering a target leads, the procedure's own refusals and
/// rejections on the way included.
#[derive(Debug)]
pub(crate) struct Entry {
    /// The target as the rule names it.
    pub(crate) target: Target,
    /// Refusals (`true`) and rejections (`false`) applied on entering,
    /// by step and position, in order.
    pub(crate) exits: Vec<Exit>,
    pub(crate) end: EntryEnd,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Exit {
    pub(crate) step: StepId,
    pub(crate) refused: bool,
    pub(crate) rule: usize,
    /// An `on entry when …` move (`rule` indexes `entry_moves`): the case
    /// went straight on, neither refused nor turned away.
    pub(crate) straight: bool,
    /// When the notices its rule owes (`requires notice`) are due; `None`
    /// for a rule that owes none, or while a duration fact is not given.
    pub(crate) notice_due: Option<NaiveDate>,
}

#[derive(Debug)]
pub(crate) enum EntryEnd {
    Step(Box<Visit>),
    Outcome(OutcomeId),
}

/// Where the timeline goes: kept for reports, skipped in simulation so
/// that no timeline string is ever built there.
pub(crate) struct Log {
    pub(crate) recording: bool,
    pub(crate) entries: Vec<TimelineEntry>,
}

impl Log {
    pub(crate) fn new(recording: bool) -> Log {
        Log {
            recording,
            entries: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, entry: impl FnOnce() -> TimelineEntry) {
        if self.recording {
            self.entries.push(entry());
        }
    }
}

/// Applies an effect: the only code that changes a [`State`].
pub(crate) fn apply(
    ctx: &Ctx<'_>,
    state: &mut State,
    event: Option<&CaseEvent>,
    effect: Effect<'_>,
    log: &mut Log,
) {
    if let Some(event) = event {
        super::people::record(ctx, state, event, effect.on);
        if let Some(slot) = state.last_seen.get_mut(event.event.index()) {
            *slot = Some(effect.on);
        }
        for (fact, value) in &event.facts {
            if let Some(slot) = state.facts.get_mut(fact.index()) {
                *slot = Some(value.clone());
            }
        }
    }
    for breach in effect.breaches {
        if breach.reason.is_some() {
            state.late_with_reason.push(breach);
        } else {
            state.breaches.push(breach);
        }
    }
    let on = effect.on;
    let from = state.visit().map(|v| v.step);
    let record = |log: &mut Log, to: Option<&str>, from: Option<StepId>| {
        if let Some(event) = event {
            log.push(|| TimelineEntry {
                on,
                event: ctx.event_name(event.event).to_string(),
                from: from.map(|s| ctx.step(s).name.clone()),
                to: to.map(str::to_string),
                automatic: false,
                cite: effect.cites.to_vec(),
                note: event.note.clone(),
            });
        }
    };
    match effect.change {
        Change::Start(entry) => {
            record(log, Some(ctx.procedure.target_name(entry.target)), None);
            enter(ctx, state, entry, on, None, log);
        }
        Change::Stay {
            task,
            met,
            started,
            tasks_started,
            reopened,
            looped,
        } => {
            if let Phase::InStep(visit) = &mut state.phase {
                if let Some(event) = event {
                    visit.note_seen(event.event, on);
                }
                if let Some(t) = task {
                    visit.task_done[t] = Some(on);
                    if let Some(clock) = visit.task_clocks[t].as_mut() {
                        clock.met = Some(on);
                    }
                }
                for d in met {
                    visit.deadlines[d].met = Some(on);
                }
                for d in started {
                    visit.deadlines[d].anchor = Some(on);
                }
                for t in tasks_started {
                    if let Some(clock) = visit.task_clocks[t].as_mut() {
                        clock.anchor = Some(on);
                    }
                }
                for r in &reopened {
                    visit.task_done[*r as usize] = None;
                    if let Some(clock) = visit.task_clocks[*r as usize].as_mut() {
                        clock.met = None;
                    }
                }
            }
            let name = from.map(|s| ctx.step(s).name.as_str());
            if looped {
                record(log, name, from);
            } else {
                record(log, None, None);
            }
        }
        Change::Move {
            entry,
            windows_closed,
        } => {
            match (event, windows_closed) {
                (_, Some(closed)) => log.push(|| TimelineEntry {
                    on,
                    event: "window closed".to_string(),
                    from: from.map(|s| ctx.step(s).name.clone()),
                    to: Some(ctx.procedure.target_name(entry.target).to_string()),
                    automatic: true,
                    cite: effect.cites.to_vec(),
                    note: Some(format!("no request by {closed}")),
                }),
                (Some(_), None) => {
                    record(log, Some(ctx.procedure.target_name(entry.target)), from);
                }
                (None, None) => {}
            }
            enter(ctx, state, entry, on, from, log);
        }
        Change::Missed {
            entry,
            deadline,
            due,
        } => {
            log.push(|| {
                let name = from
                    .and_then(|s| ctx.step(s).deadlines.get(deadline))
                    .map_or("?", |d| d.name.as_str());
                TimelineEntry {
                    on,
                    event: format!("missed {name}"),
                    from: from.map(|s| ctx.step(s).name.clone()),
                    to: Some(ctx.procedure.target_name(entry.target).to_string()),
                    automatic: true,
                    cite: effect.cites.to_vec(),
                    note: Some(format!("{name} was due {due} and not met")),
                }
            });
            enter(ctx, state, entry, on, from, log);
        }
        Change::Withdraw(outcome) => {
            record(
                log,
                Some(&ctx.procedure.outcomes[outcome.index()].name),
                from,
            );
            state.phase = Phase::Closed(Closed {
                outcome,
                on,
                last_step: from,
            });
        }
        Change::Pause { rule } => {
            if let Phase::InStep(visit) = &mut state.phase {
                visit.paused = Some((on, rule));
                let pause = &ctx.step(visit.step).pauses[rule];
                if let Some(event) = event {
                    log.push(|| TimelineEntry {
                        on,
                        event: ctx.event_name(event.event).to_string(),
                        from: None,
                        to: None,
                        automatic: false,
                        cite: effect.cites.to_vec(),
                        note: event.note.clone().or_else(|| {
                            Some(match pause.consent_of {
                                Some(r) => format!(
                                    "{} (with the agreement of {})",
                                    pause.name,
                                    ctx.role_name(r)
                                ),
                                None => pause.name.clone(),
                            })
                        }),
                    });
                }
            }
        }
        Change::Resume => {
            if let Phase::InStep(visit) = &mut state.phase {
                if let Some((since, _)) = visit.paused.take() {
                    for clock in visit
                        .deadlines
                        .iter_mut()
                        .chain(visit.task_clocks.iter_mut().flatten())
                    {
                        if clock.met.is_none() {
                            clock.pauses.push((since, on));
                        }
                    }
                }
            }
            record(log, None, None);
        }
        Change::Extend {
            deadline,
            until,
            beyond_usual,
            late_from,
        } => {
            if let Phase::InStep(visit) = &mut state.phase {
                visit.deadlines[deadline].extensions.push(Extended {
                    on,
                    until,
                    granted_by: event.and_then(|e| e.granted_by),
                    agreed_by: event.and_then(|e| e.agreed_by),
                    reason: event.and_then(|e| e.reason.clone()),
                    beyond_usual,
                    told: ctx.step(visit.step).deadlines[deadline]
                        .extension_rules
                        .notice_to,
                    late_from,
                });
                let name = &ctx.step(visit.step).deadlines[deadline].name;
                if let Some(event) = event {
                    log.push(|| TimelineEntry {
                        on,
                        event: ctx.event_name(event.event).to_string(),
                        from: None,
                        to: None,
                        automatic: false,
                        cite: effect.cites.to_vec(),
                        note: event
                            .note
                            .clone()
                            .or_else(|| Some(format!("{name} now due {until}"))),
                    });
                }
            }
        }
        Change::Resubmit(entry) => {
            let name = from.map(|s| ctx.step(s).name.as_str());
            record(log, name, from);
            enter(ctx, state, entry, on, from, log);
        }
        Change::Refer(body) => {
            record(log, None, None);
            super::referrals::made(ctx, state, body, on, from);
        }
        Change::Notice(notice) => {
            state.notices.push((notice, on));
            match super::notices::sent(ctx, state, notice, on) {
                // A notice a rejection owed says so, with whether it was
                // in time, so the timeline shows the rejection explained.
                Some(owed) => {
                    if let Some(event) = event {
                        let name = &ctx.procedure.notices[notice].name;
                        let late = match owed.due {
                            Some(due) if on > due => {
                                let n = super::clock::working_days_late(ctx.calendar, due, on);
                                let days =
                                    super::clock::plural_unit(n, "working day", "working days");
                                format!(", LATE: due {due}, {days} late")
                            }
                            _ => String::new(),
                        };
                        let verb = if owed.refused { "refusal" } else { "rejection" };
                        log.push(|| TimelineEntry {
                            on,
                            event: ctx.event_name(event.event).to_string(),
                            from: None,
                            to: None,
                            automatic: false,
                            cite: effect.cites.to_vec(),
                            note: event.note.clone().or_else(|| {
                                Some(format!(
                                    "{name} explains the {verb} in {} on {}{late}",
                                    ctx.step(owed.step).name,
                                    owed.since
                                ))
                            }),
                        });
                    }
                }
                None => record(log, None, None),
            }
        }
    }
    // A change may make a referral's condition hold (facts learnt, a step
    // entered whose rule it is): its duty starts that day.
    super::referrals::start(ctx, state, on);
}

/// Puts the case where an entry ends, logging the refusals and
/// rejections met on the way.
fn enter(
    ctx: &Ctx<'_>,
    state: &mut State,
    entry: Entry,
    on: NaiveDate,
    last_step: Option<StepId>,
    log: &mut Log,
) {
    for exit in &entry.exits {
        let step = ctx.step(exit.step);
        if exit.straight {
            log_straight(ctx, log, on, step, exit.rule);
            continue;
        }
        let rule = if exit.refused {
            &step.refusals[exit.rule]
        } else {
            &step.rejects[exit.rule]
        };
        log.push(|| TimelineEntry {
            on,
            event: if exit.refused { "refused" } else { "rejected" }.to_string(),
            from: Some(step.name.clone()),
            to: rule
                .target
                .map(|t| ctx.procedure.target_name(t).to_string()),
            automatic: true,
            cite: rule.cites.clone(),
            note: match (
                &rule.reason,
                super::notices::owed_words(ctx, rule, exit.notice_due),
            ) {
                (Some(reason), Some(owed)) => Some(format!("{reason} ({owed})")),
                (reason, owed) => reason.clone().or(owed),
            },
        });
        super::notices::owe(ctx, state, exit, on);
    }
    let last_step = entry.exits.last().map(|e| e.step).or(last_step);
    state.phase = match entry.end {
        EntryEnd::Step(visit) => Phase::InStep(visit),
        EntryEnd::Outcome(outcome) => Phase::Closed(Closed {
            outcome,
            on,
            last_step,
        }),
    };
}

/// "went straight to stage2 because …": an `on entry` move is the
/// procedure's routing, never a refusal.
fn log_straight(ctx: &Ctx<'_>, log: &mut Log, on: NaiveDate, step: &Step, rule: usize) {
    let Some(rule) = step.entry_moves.get(rule) else {
        return;
    };
    log.push(|| {
        let to = rule
            .target
            .map(|t| ctx.procedure.target_name(t).to_string());
        let went = format!("went straight to {}", to.as_deref().unwrap_or("?"));
        TimelineEntry {
            on,
            event: "on entry".to_string(),
            from: Some(step.name.clone()),
            to,
            automatic: true,
            cite: rule.cites.clone(),
            note: Some(match &rule.reason {
                Some(why) => format!("{went} because {}", lower_first(why)),
                None => format!(
                    "{went} because {}",
                    crate::check::words::guard(ctx.procedure, &rule.guard, None)
                ),
            }),
        }
    });
}

/// "Complex complaints …" reads on after "because" as "complex complaints …".
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if chars.clone().next().is_some_and(|d| d.is_lowercase()) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => text.to_string(),
    }
}
