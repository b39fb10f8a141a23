//! The transition function: from a state and an event to an [`Effect`], or
//! the reason the event cannot happen. Nothing here changes the state.

use chrono::{Duration as Days, NaiveDate};

use crate::check::ir::{Anchor, Builtin, Extension, Step, Target};
use crate::check::words;

use super::clock::{describe_ceiling, duration_of, Clock, Due};
use super::context::{Ctx, Facts, Moment};
use super::effect::{Change, Effect, Entry, EntryEnd, Exit};
use super::error::{ExtensionRefusal, PauseRefusal, ReplayErrorKind};
use super::report::Breach;
use super::state::{Phase, State, Visit};
use super::windows::{self, Admission};
use super::{CaseEvent, ExtensionRequest};

/// Why an event cannot happen, and which of its keys is at fault.
pub(crate) type Failure = (ReplayErrorKind, Option<&'static str>);

fn fail(kind: ReplayErrorKind) -> Failure {
    (kind, None)
}

/// `a, b, c`, for messages that say what a step has.
fn listed<'n>(names: impl Iterator<Item = &'n str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

/// What `event` does to the case in `state`. Automatic moves due before
/// the event's date must have been applied first (see
/// [`automatic`]).
pub(crate) fn decide<'a>(
    ctx: &Ctx<'a>,
    state: &State,
    event: &CaseEvent,
) -> Result<Effect<'a>, Failure> {
    let builtin = Builtin::of(event.event);
    let unmet = unmet_dues(ctx, state);
    let facts = Facts {
        known: &state.facts,
        learnt: &event.facts,
        moment: Moment {
            received: received_on(state)
                .or((builtin == Some(Builtin::Received)).then_some(event.on)),
            current: Some(event.event),
            unmet: Some(&unmet),
            ..moment(state, event.on)
        },
    };
    fixed_facts_kept(ctx, state, event)?;
    super::people::check(ctx, state, event)?;
    let builtin = Builtin::of(event.event);
    let effect = |change, breaches, cites| Effect {
        on: event.on,
        change,
        breaches,
        cites,
    };
    let visit = match &state.phase {
        Phase::NotReceived => {
            if builtin != Some(Builtin::Received) {
                return Err(fail(ReplayErrorKind::NotAllowed {
                    event: ctx.event_name(event.event).to_string(),
                    on: event.on,
                    step: "(none yet)".into(),
                    allowed: "a case starts with `received`".into(),
                    reason: "not_received",
                }));
            }
            let start = ctx.procedure.start;
            let entry =
                enter(ctx, state, facts, Target::Step(start), event, event.on).map_err(fail)?;
            return Ok(effect(
                Change::Start(entry),
                Vec::new(),
                &ctx.step(start).cites,
            ));
        }
        // The notice a rejection owes may follow the outcome it led to:
        // the case is not fully closed until it is sent.
        Phase::Closed(_) if super::notices::owed_now(ctx, state, event) => {
            let notice = notice(ctx, event)?;
            return Ok(effect(
                Change::Notice(notice),
                Vec::new(),
                &ctx.procedure.notices[notice].cites,
            ));
        }
        Phase::Closed(closed) => {
            return Err(fail(ReplayErrorKind::AfterEnd {
                event: ctx.event_name(event.event).to_string(),
                on: event.on,
                outcome: ctx.procedure.outcomes[closed.outcome.index()].name.clone(),
                ended: closed.on,
            }))
        }
        Phase::InStep(visit) => visit,
    };
    let step = ctx.step(visit.step);

    // A referral runs alongside everything else: it may be made while the
    // case is paused or turned away.
    if builtin == Some(Builtin::Referred) {
        let body = super::referrals::admit(ctx, state, event).map_err(|k| (k, Some("to")))?;
        return Ok(effect(Change::Refer(body), Vec::new(), &[]));
    }
    if builtin == Some(Builtin::Notice) {
        let notice = notice(ctx, event)?;
        return Ok(effect(
            Change::Notice(notice),
            Vec::new(),
            &ctx.procedure.notices[notice].cites,
        ));
    }
    if builtin == Some(Builtin::Withdrawn) {
        let breaches = leave(ctx, facts, visit, event.on, &[]).map_err(fail)?;
        return Ok(effect(
            Change::Withdraw(ctx.procedure.withdrawn()),
            breaches,
            &[],
        ));
    }
    if let Some(effect) = anywhere(ctx, state, facts, visit, step, event)? {
        return Ok(effect);
    }
    if let Some(reject) = visit.rejected {
        if builtin != Some(Builtin::Resubmitted) {
            return Err(not_allowed(ctx, event, visit));
        }
        let entry =
            enter(ctx, state, facts, Target::Step(visit.step), event, event.on).map_err(fail)?;
        return Ok(effect(
            Change::Resubmit(entry),
            Vec::new(),
            &step.rejects[reject].cites,
        ));
    }
    if let Some((_, rule)) = visit.paused {
        if builtin != Some(Builtin::Resumed) {
            return Err(not_allowed(ctx, event, visit));
        }
        return Ok(effect(Change::Resume, Vec::new(), &step.pauses[rule].cites));
    }
    match builtin {
        Some(Builtin::Paused) => {
            let rule = pause_rule(ctx, step, event)?;
            pause_for_case(ctx, facts, step, rule, event)?;
            Ok(effect(
                Change::Pause { rule },
                Vec::new(),
                &step.pauses[rule].cites,
            ))
        }
        Some(Builtin::Resumed) => Err(fail(ReplayErrorKind::PauseRefused {
            reason: format!("`resumed` on {} but the case is not paused", event.on),
            help: "record `paused` first".into(),
            why: PauseRefusal::NotPaused,
        })),
        Some(Builtin::Extended) => {
            let (deadline, until, beyond_usual, late_from) =
                extension(ctx, facts, visit, step, event)?;
            extension_rules(
                ctx,
                state,
                visit,
                &step.deadlines[deadline],
                deadline,
                event,
            )?;
            Ok(effect(
                Change::Extend {
                    deadline,
                    until,
                    beyond_usual,
                    late_from,
                },
                Vec::new(),
                &step.deadlines[deadline].cites,
            ))
        }
        _ => handle(ctx, state, facts, visit, step, event).map(|mut effect| {
            excuse(step, &mut effect.breaches, event);
            effect
        }),
    }
}

/// A soft deadline (`or as soon as practicable`) met late by this event,
/// which records a `reason:`, is late with that reason, not a breach.
fn excuse(step: &Step, breaches: &mut [Breach], event: &CaseEvent) {
    let Some(reason) = &event.reason else {
        return;
    };
    for b in breaches.iter_mut() {
        let soft = step
            .deadlines
            .iter()
            .any(|d| d.soft && d.name == b.deadline && b.step == step.name);
        if soft && b.met_on == Some(event.on) {
            b.reason = Some(reason.clone());
        }
    }
}

/// The move the procedure makes by itself before `before`, if one is due:
/// when every escalation window of the step has closed unused, `otherwise`
/// takes the case on the day after the last one closed.
pub(crate) fn automatic<'a>(
    ctx: &Ctx<'a>,
    state: &State,
    before: NaiveDate,
) -> Result<Option<Effect<'a>>, ReplayErrorKind> {
    let Some((moves_on, why)) = next_automatic(ctx, state)? else {
        return Ok(None);
    };
    if moves_on >= before {
        return Ok(None);
    }
    let Phase::InStep(visit) = &state.phase else {
        return Ok(None);
    };
    let facts = Facts::known(&state.facts).at(moment(state, moves_on));
    let breaches = leave(ctx, facts, visit, moves_on, &[])?;
    let last_close = match why {
        Automatic::Missed { rule, due } => {
            let Some(m) = ctx.step(visit.step).missed_moves.get(rule) else {
                return Ok(None);
            };
            let entry = enter_on(ctx, &state.last_seen, facts, m.target, None, moves_on)?;
            return Ok(Some(Effect {
                on: moves_on,
                change: Change::Missed {
                    entry,
                    deadline: m.deadline,
                    due,
                },
                breaches,
                cites: &m.cites,
            }));
        }
        Automatic::WindowsClosed(last_close) => last_close,
    };
    let Some(otherwise) = &ctx.step(visit.step).otherwise else {
        return Ok(None);
    };
    let step = ctx.step(visit.step);
    let guarded = first_that_holds(
        ctx,
        facts,
        &step.otherwise_when,
        "`otherwise when` of step",
        step,
    )?
    .and_then(|i| step.otherwise_when.get(i))
    .and_then(|o| o.target.map(|t| (t, o.cites.as_slice())));
    let (target, cites) = guarded.unwrap_or((otherwise.target, otherwise.cites.as_slice()));
    let entry = enter_on(ctx, &state.last_seen, facts, target, None, moves_on)?;
    Ok(Some(Effect {
        on: moves_on,
        change: Change::Move {
            entry,
            windows_closed: Some(last_close),
        },
        breaches,
        cites,
    }))
}

/// Whether the procedure moves the case by itself before `before`, and
/// on which day. Nothing is built, so an event's processing can ask
/// cheaply.
pub(crate) fn automatic_due(
    ctx: &Ctx<'_>,
    state: &State,
    before: NaiveDate,
) -> Result<Option<NaiveDate>, ReplayErrorKind> {
    Ok(next_automatic(ctx, state)?
        .map(|(on, _)| on)
        .filter(|on| *on < before))
}

/// Why the procedure moves a case by itself.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Automatic {
    /// Every window closed unused on this day: `otherwise`.
    WindowsClosed(NaiveDate),
    /// `on missed`: the step's `missed_moves[rule]`, whose deadline was
    /// due on `due` and is unmet.
    Missed { rule: usize, due: NaiveDate },
}

/// The first move the procedure makes by itself in the current visit, and
/// its day: `on missed D` the day after D's due date (with its pauses and
/// extensions, from the clock) passes unmet; `otherwise` the day after the
/// last window closes. The earliest day wins; on one day, the `on missed`
/// lines in the order written, then `otherwise`.
pub(crate) fn next_automatic(
    ctx: &Ctx<'_>,
    state: &State,
) -> Result<Option<(NaiveDate, Automatic)>, ReplayErrorKind> {
    let Phase::InStep(visit) = &state.phase else {
        return Ok(None);
    };
    if visit.paused.is_some() || visit.rejected.is_some() {
        return Ok(None);
    }
    let step = ctx.step(visit.step);
    // No day is being decided yet: a guard reading `today` is undecided.
    let facts = Facts::known(&state.facts).at(moment_undated(state));
    let mut first: Option<(NaiveDate, Automatic)> = None;
    for (rule, m) in step.missed_moves.iter().enumerate() {
        let (Some(deadline), Some(clock)) = (
            step.deadlines.get(m.deadline),
            visit.deadlines.get(m.deadline),
        ) else {
            continue;
        };
        if clock.met.is_some() || !ctx.deadline_applies(deadline, facts) {
            continue;
        }
        if let Due::On(due) = clock.due(ctx, facts)? {
            let on = due + Days::days(1);
            if first.is_none_or(|(f, _)| on < f) {
                first = Some((on, Automatic::Missed { rule, due }));
            }
        }
    }
    if step.otherwise.is_some() {
        if let Some(last_close) = windows::last_close(ctx, facts, visit, step)? {
            let on = last_close + Days::days(1);
            if first.is_none_or(|(f, _)| on < f) {
                first = Some((on, Automatic::WindowsClosed(last_close)));
            }
        }
    }
    Ok(first)
}

/// A request after every window for it closed: refused with the date the
/// last window closed, before the automatic move would make it merely
/// "not allowed".
pub(crate) fn late_request(ctx: &Ctx<'_>, state: &State, event: &CaseEvent) -> Result<(), Failure> {
    let Phase::InStep(visit) = &state.phase else {
        return Ok(());
    };
    if visit.paused.is_some() || visit.rejected.is_some() {
        return Ok(());
    }
    let step = ctx.step(visit.step);
    let facts = Facts::known(&state.facts).at(moment(state, event.on));
    match windows::admit(ctx, facts, visit, step, event.event, event.on).map_err(fail)? {
        Admission::Closed(closed) => Err(fail(ReplayErrorKind::WindowClosed {
            event: ctx.event_name(event.event).to_string(),
            on: event.on,
            closed,
        })),
        _ => Ok(()),
    }
}

/// Tasks, `met by` deadlines, clocks started by their anchor, escalations
/// and transitions.
fn handle<'a>(
    ctx: &Ctx<'a>,
    state: &State,
    facts: Facts<'_>,
    visit: &Visit,
    step: &'a Step,
    event: &CaseEvent,
) -> Result<Effect<'a>, Failure> {
    let name = ctx.event_name(event.event);
    let mut breaches = Vec::new();
    let mut cites: &'a [String] = &[];

    let task = step.tasks.iter().position(|t| t.event == event.event);
    if let Some(t) = task {
        let rule = &step.tasks[t];
        if !ctx
            .applies(&rule.guard, facts, || format!("task `{}`", rule.name))
            .map_err(fail)?
        {
            return Err(fail(ReplayErrorKind::NotAllowed {
                event: name.to_string(),
                on: event.on,
                step: step.name.clone(),
                allowed: format!(
                    "task `{}` does not apply to this case: its condition does not hold",
                    rule.name
                ),
                reason: "task_does_not_apply",
            }));
        }
        check_role(ctx, event, rule.by.or(Some(step.lead)))?;
        for notice in &rule.notices {
            notice_recorded(
                ctx,
                state,
                visit,
                notice,
                event,
                &format!("task `{}`", rule.name),
            )?;
        }
        if let Some(clock) = &visit.task_clocks[t] {
            if clock.met.is_none() {
                breaches.extend(late(
                    ctx,
                    facts,
                    step,
                    &rule.name,
                    clock,
                    event.on,
                    &rule.cites,
                ));
            }
        }
        cites = &rule.cites;
    }

    let mut met = Vec::new();
    let mut started = Vec::new();
    for (i, deadline) in step.deadlines.iter().enumerate() {
        if !ctx.deadline_applies(deadline, facts) {
            continue;
        }
        let clock = &visit.deadlines[i];
        if deadline.met_by.contains(&event.event) && clock.met.is_none() {
            met.push(i);
            breaches.extend(late(
                ctx,
                facts,
                step,
                &deadline.name,
                clock,
                event.on,
                &deadline.cites,
            ));
        }
        // A deadline counted from an event starts at its first occurrence
        // in this visit.
        if deadline.anchor == Anchor::Event(event.event) && clock.anchor.is_none() {
            started.push(i);
        }
    }
    let tasks_started: Vec<usize> = step
        .tasks
        .iter()
        .enumerate()
        .filter(|(t, rule)| {
            matches!(rule.within, Some((_, Anchor::Event(e))) if e == event.event)
                && visit.task_clocks[*t]
                    .as_ref()
                    .is_some_and(|c| c.anchor.is_none())
        })
        .map(|(t, _)| t)
        .collect();

    match windows::admit(ctx, facts, visit, step, event.event, event.on).map_err(fail)? {
        Admission::In(i) => {
            let window = &step.escalations[i];
            check_role(ctx, event, window.by)?;
            breaches.extend(leave(ctx, facts, visit, event.on, &met).map_err(fail)?);
            let entry = enter(
                ctx,
                state,
                facts,
                Target::Step(window.target),
                event,
                event.on,
            )
            .map_err(fail)?;
            return Ok(Effect {
                on: event.on,
                change: Change::Move {
                    entry,
                    windows_closed: None,
                },
                breaches,
                cites: &window.cites,
            });
        }
        Admission::NotOpen | Admission::Closed(_) => return Err(not_allowed(ctx, event, visit)),
        Admission::NotForCase if step.transitions_on(event.event).next().is_none() => {
            return Err(not_for_case(ctx, facts, event, visit));
        }
        Admission::NoWindow | Admission::NotForCase => {}
    }

    let mut candidates = step.transitions_on(event.event).peekable();
    if candidates.peek().is_some() {
        let mut chosen = None;
        for t in candidates {
            let applies = match &t.guard {
                Some(g) => ctx
                    .holds(g, facts, &event.data, || {
                        format!("the transition on `{name}`")
                    })
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
                    let awaited = t
                        .guard
                        .as_ref()
                        .and_then(|g| ctx.awaited(g, facts, &event.data))
                        .map(|e| format!(" (`{e}` has not happened in this visit)"))
                        .unwrap_or_default();
                    format!(
                        "`-> {}` when its guard holds{awaited}",
                        ctx.procedure.target_name(t.target)
                    )
                })
                .collect();
            return Err(fail(ReplayErrorKind::NoTransitionApplies {
                event: name.to_string(),
                step: step.name.clone(),
                guards: guards.join("; "),
            }));
        };
        if t.also_by.is_empty() {
            check_role(ctx, event, t.by.or(Some(step.lead)))?;
        } else {
            joint(ctx, event, t)?;
        }
        let missing = missing_tasks(ctx, facts, visit, step, &t.requires, task).map_err(fail)?;
        if let Some(first) = missing.first() {
            return Err(fail(ReplayErrorKind::TasksNotDone {
                event: name.to_string(),
                on: event.on,
                first: first.to_string(),
                tasks: missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            }));
        }
        for notice in &t.notices {
            let what = format!("`{name}` (-> {})", ctx.procedure.target_name(t.target));
            notice_recorded(ctx, state, visit, notice, event, &what)?;
        }
        if t.target == Target::Step(visit.step) {
            return Ok(Effect {
                on: event.on,
                change: Change::Stay {
                    task,
                    met,
                    started,
                    tasks_started,
                    reopened: t.reopens.clone(),
                    looped: true,
                },
                breaches,
                cites: &t.cites,
            });
        }
        breaches.extend(leave(ctx, facts, visit, event.on, &met).map_err(fail)?);
        let entry = enter(ctx, state, facts, t.target, event, event.on).map_err(fail)?;
        return Ok(Effect {
            on: event.on,
            change: Change::Move {
                entry,
                windows_closed: None,
            },
            breaches,
            cites: &t.cites,
        });
    }

    if task.is_none() && met.is_empty() && started.is_empty() && tasks_started.is_empty() {
        return Err(not_allowed(ctx, event, visit));
    }
    let starting = started
        .iter()
        .map(|d| (&step.deadlines[*d].duration, &visit.deadlines[*d]))
        .chain(tasks_started.iter().filter_map(|t| {
            let clock = visit.task_clocks[*t].as_ref()?;
            Some((&clock.duration, clock))
        }));
    for (duration, _) in starting {
        Clock::new(*duration, Some(event.on))
            .rule_due(ctx, facts)
            .map_err(fail)?;
    }
    Ok(Effect {
        on: event.on,
        change: Change::Stay {
            task,
            met,
            started,
            tasks_started,
            reopened: Vec::new(),
            looped: false,
        },
        breaches,
        cites,
    })
}

/// `anywhere on E -> OUTCOME`: the first whose guard holds ends the case,
/// in any step (paused or turned away too), unless the step has a rule of
/// its own for the event (a transition, task or request), which wins.
fn anywhere<'a>(
    ctx: &Ctx<'a>,
    state: &State,
    facts: Facts<'_>,
    visit: &Visit,
    step: &Step,
    event: &CaseEvent,
) -> Result<Option<Effect<'a>>, Failure> {
    let own = step.transitions_on(event.event).next().is_some()
        || step.tasks.iter().any(|t| t.event == event.event)
        || step.escalations.iter().any(|w| w.event == event.event);
    if own {
        return Ok(None);
    }
    for rule in ctx
        .procedure
        .anywhere
        .iter()
        .filter(|a| a.event == event.event)
    {
        let name = ctx.event_name(event.event);
        if !ctx
            .applies(&rule.guard, facts, || format!("`anywhere on {name}`"))
            .map_err(fail)?
        {
            continue;
        }
        let breaches = leave(ctx, facts, visit, event.on, &[]).map_err(fail)?;
        let entry = enter(
            ctx,
            state,
            facts,
            Target::Outcome(rule.target),
            event,
            event.on,
        )
        .map_err(fail)?;
        return Ok(Some(Effect {
            on: event.on,
            change: Change::Move {
                entry,
                windows_closed: None,
            },
            breaches,
            cites: &rule.cites,
        }));
    }
    Ok(None)
}

/// The tasks a transition requires that are not done and apply to the
/// case. `done_now` is a task the event itself does.
pub(crate) fn missing_tasks<'a>(
    ctx: &Ctx<'a>,
    facts: Facts<'_>,
    visit: &Visit,
    step: &'a Step,
    requires: &[u32],
    done_now: Option<usize>,
) -> Result<Vec<&'a str>, ReplayErrorKind> {
    let mut missing = Vec::new();
    for &r in requires {
        let r = r as usize;
        let task = &step.tasks[r];
        if visit.task_done[r].is_none()
            && done_now != Some(r)
            && ctx.applies(&task.guard, facts, || format!("task `{}`", task.name))?
        {
            missing.push(task.name.as_str());
        }
    }
    Ok(missing)
}

/// The deadline's own rules on extending (`at most once`, `granted by`,
/// `with notice to`), checked after the extension itself is valid.
fn extension_rules(
    ctx: &Ctx<'_>,
    state: &State,
    visit: &Visit,
    rule: &crate::check::ir::Deadline,
    index: usize,
    event: &CaseEvent,
) -> Result<(), Failure> {
    let rules = &rule.extension_rules;
    let clock = &visit.deadlines[index];
    let refuse = |why: ExtensionRefusal, reason: String, help: String, key| {
        Err((ReplayErrorKind::ExtensionRefused { reason, help, why }, key))
    };
    if let Some(n) = rules.at_most {
        if clock.extensions.len() >= n as usize {
            let times = if n == 1 {
                "once".to_string()
            } else {
                format!("{n} times")
            };
            return refuse(
                ExtensionRefusal::TooMany,
                format!(
                    "deadline `{}` may be extended at most {times}, and was extended on {}",
                    rule.name,
                    listed(
                        clock
                            .extensions
                            .iter()
                            .map(|e| e.on.to_string())
                            .collect::<Vec<_>>()
                            .iter()
                            .map(String::as_str)
                    )
                ),
                "no further extension is allowed in this step; the deadline stands".into(),
                None,
            );
        }
    }
    if let Some(grantor) = rules.granted_by {
        if event.granted_by != Some(grantor) {
            let name = ctx.role_name(grantor);
            return refuse(
                ExtensionRefusal::WrongGrantor,
                match event.granted_by {
                    Some(other) => format!(
                        "deadline `{}` is extended only by {name}, not {}",
                        rule.name,
                        ctx.role_name(other)
                    ),
                    None => format!("deadline `{}` is extended only by {name}; the event does not say who granted it", rule.name),
                },
                format!("record who granted it: `granted_by: {name}`"),
                Some("granted_by"),
            );
        }
    }
    if let Some(agreer) = rules.agreed_by {
        if event.agreed_by != Some(agreer) {
            let name = ctx.role_name(agreer);
            return refuse(
                ExtensionRefusal::NeedsAgreement,
                format!(
                    "deadline `{}` is extended only by agreement of {name}; the event does not record it",
                    rule.name
                ),
                format!("record who agreed: `agreed_by: {name}`"),
                Some("agreed_by"),
            );
        }
    }
    if let Some(to) = rules.notice_to {
        let since = clock.extensions.last().map_or(visit.entered, |e| e.on);
        let told = state
            .notices
            .iter()
            .any(|(n, on)| ctx.procedure.notices[*n].to == to && *on >= since && *on <= event.on);
        if !told {
            let name = ctx.role_name(to);
            let notices: Vec<&str> = ctx
                .procedure
                .notices
                .iter()
                .filter(|n| n.to == to)
                .map(|n| n.name.as_str())
                .collect();
            return refuse(
                ExtensionRefusal::NoNotice,
                format!(
                    "deadline `{}` is extended only with notice to {name}, and none has been recorded since {since}",
                    rule.name
                ),
                format!(
                    "record the notice first: `{{ event: notice, notice: {}, includes: [...] }}`",
                    notices.first().copied().unwrap_or("NAME")
                ),
                None,
            );
        }
    }
    Ok(())
}

/// `requires notice NAME` on a task or transition: that notice recorded in
/// this visit of the step, on or before the event's day (earlier in the
/// case file, so the same day counts). A recorded notice has already said
/// everything it must (a `notice` missing content is refused, E0824).
fn notice_recorded(
    ctx: &Ctx<'_>,
    state: &State,
    visit: &Visit,
    notice: &str,
    event: &CaseEvent,
    what: &str,
) -> Result<(), Failure> {
    let notices = &ctx.procedure.notices;
    let sent = state
        .notices
        .iter()
        .any(|(n, on)| notices[*n].name == notice && *on >= visit.entered && *on <= event.on);
    if sent {
        return Ok(());
    }
    let (to, includes) = notices
        .iter()
        .find(|n| n.name == notice)
        .map(|n| (ctx.role_name(n.to).to_string(), n.includes.join(", ")))
        .unwrap_or_default();
    let says = if includes.is_empty() {
        String::new()
    } else {
        format!(", saying {includes}")
    };
    Err(fail(ReplayErrorKind::NoticeRequired {
        message: format!(
            "{what} on {} requires notice `{notice}` to {to}{says}, and none has been recorded since {}",
            event.on, visit.entered
        ),
        help: format!(
            "record the notice first, on or before {}: `{{ event: notice, notice: {notice}, includes: [{includes}] }}`",
            event.on
        ),
    }))
}

/// A `notice` event names a declared notice and says everything it must.
fn notice(ctx: &Ctx<'_>, event: &CaseEvent) -> Result<usize, Failure> {
    let notices = &ctx.procedure.notices;
    let names = || listed(notices.iter().map(|n| n.name.as_str()));
    let Some(i) = event
        .notice
        .as_deref()
        .and_then(|name| notices.iter().position(|n| n.name == name))
    else {
        return Err((
            ReplayErrorKind::NoticeRefused {
                message: match &event.notice {
                    Some(name) => format!(
                        "`notice` on {} names `{name}`, which the procedure does not declare",
                        event.on
                    ),
                    None => format!("`notice` on {} does not say which notice", event.on),
                },
                help: if notices.is_empty() {
                    "the procedure declares no notices: `notice NAME to ROLE \"Title\" includes …`"
                        .into()
                } else {
                    format!("name one of the procedure's notices: {}", names())
                },
                reason: "unknown_notice",
            },
            Some("notice"),
        ));
    };
    let decl = &notices[i];
    let missing: Vec<&str> = decl
        .includes
        .iter()
        .filter(|item| !event.includes.contains(item))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err((
            ReplayErrorKind::NoticeRefused {
                message: format!(
                    "notice `{}` on {} does not include {}",
                    decl.name,
                    event.on,
                    missing.join(", ")
                ),
                help: format!(
                    "the notice must say: {}; list what it said under `includes: [{}]`",
                    decl.includes.join(", "),
                    decl.includes.join(", ")
                ),
                reason: "missing_content",
            },
            Some("includes"),
        ));
    }
    Ok(i)
}

/// A joint decision (`by a and b`) records every role it names, in any
/// order (`by: [a, b]`).
fn joint(
    ctx: &Ctx<'_>,
    event: &CaseEvent,
    t: &crate::check::ir::Transition,
) -> Result<(), Failure> {
    let recorded: Vec<_> = event.by.iter().chain(&event.also_by).copied().collect();
    let missing: Vec<&str> =
        t.by.iter()
            .chain(&t.also_by)
            .filter(|r| !recorded.contains(r))
            .map(|r| ctx.role_name(*r))
            .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let all: Vec<&str> =
        t.by.iter()
            .chain(&t.also_by)
            .map(|r| ctx.role_name(*r))
            .collect();
    Err((
        ReplayErrorKind::JointDecisionIncomplete {
            message: format!(
                "`{}` on {} is a joint decision of {}, but the event does not record {}",
                ctx.event_name(event.event),
                event.on,
                all.join(" and "),
                missing.join(" or ")
            ),
            by: all.join(", "),
        },
        Some("by"),
    ))
}

fn check_role(
    ctx: &Ctx<'_>,
    event: &CaseEvent,
    expected: Option<crate::check::ir::RoleId>,
) -> Result<(), Failure> {
    match (event.by, expected) {
        (Some(by), Some(expected)) if by != expected => Err((
            ReplayErrorKind::WrongRole {
                event: ctx.event_name(event.event).to_string(),
                by: ctx.role_name(by).to_string(),
                expected: ctx.role_name(expected).to_string(),
            },
            Some("by"),
        )),
        _ => Ok(()),
    }
}

/// A breach when a clock is met on `on`, after its due date.
fn late(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    step: &Step,
    name: &str,
    clock: &Clock,
    on: NaiveDate,
    cites: &[String],
) -> Option<Breach> {
    let due = clock.due(ctx, facts).ok()?.date()?;
    (on > due).then(|| Breach::new(ctx.calendar, step, name, due, Some(on), on, cites))
}

/// The breaches of leaving the step on `on`: deadlines met by leaving are
/// met then, and any left unmet past their due date are breaches.
/// `met_now` are deadlines the leaving event itself meets.
pub(crate) fn leave(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    visit: &Visit,
    on: NaiveDate,
    met_now: &[usize],
) -> Result<Vec<Breach>, ReplayErrorKind> {
    let step = ctx.step(visit.step);
    let mut breaches = Vec::new();
    for (i, deadline) in step.deadlines.iter().enumerate() {
        let clock = &visit.deadlines[i];
        if clock.met.is_some() || met_now.contains(&i) || !ctx.deadline_applies(deadline, facts) {
            continue;
        }
        if let Due::On(due) = clock.due(ctx, facts)? {
            if on > due {
                let met_on = deadline.met_by.is_empty().then_some(on);
                breaches.push(Breach::new(
                    ctx.calendar,
                    step,
                    &deadline.name,
                    due,
                    met_on,
                    on,
                    &deadline.cites,
                ));
            }
        }
    }
    for (t, task) in step.tasks.iter().enumerate() {
        let Some(clock) = visit.task_clocks[t].as_ref().filter(|c| c.met.is_none()) else {
            continue;
        };
        if let Due::On(due) = clock.due(ctx, facts)? {
            if on > due {
                breaches.push(Breach::new(
                    ctx.calendar,
                    step,
                    &task.name,
                    due,
                    None,
                    on,
                    &task.cites,
                ));
            }
        }
    }
    Ok(breaches)
}

/// Enters `target` because of `event`.
fn enter(
    ctx: &Ctx<'_>,
    state: &State,
    facts: Facts<'_>,
    target: Target,
    event: &CaseEvent,
    on: NaiveDate,
) -> Result<Entry, ReplayErrorKind> {
    enter_on(ctx, &state.last_seen, facts, target, Some(event), on)
}

/// Enters a step (applying its refusals and rejections) or reaches an
/// outcome. The event that brings the case in, if any, is the first event
/// of the new visit: a time limit may count from it.
pub(crate) fn enter_on(
    ctx: &Ctx<'_>,
    last_seen: &[Option<NaiveDate>],
    facts: Facts<'_>,
    target: Target,
    event: Option<&CaseEvent>,
    on: NaiveDate,
) -> Result<Entry, ReplayErrorKind> {
    // The step's own rules see the new visit, where only the event that
    // brings the case in has happened, on the day of entry.
    let facts = facts.at(Moment {
        today: Some(on),
        seen: &[],
        ..facts.moment
    });
    let mut exits = Vec::new();
    let mut next = target;
    // A refusal leads elsewhere; the checker does not forbid a chain of
    // them, so a chain is followed at most once through every step.
    for _ in 0..=ctx.procedure.steps.len() {
        let step_id = match next {
            Target::Outcome(o) => {
                return Ok(Entry {
                    target,
                    exits,
                    end: EntryEnd::Outcome(o),
                })
            }
            Target::Step(s) => s,
        };
        let step = ctx.step(step_id);
        if let Some(i) = first_that_holds(ctx, facts, &step.refusals, "a refusal of step", step)? {
            exits.push(Exit {
                step: step_id,
                refused: true,
                rule: i,
                straight: false,
                notice_due: super::notices::due(ctx, facts, &step.refusals[i], on)?,
            });
            if let Some(t) = step.refusals[i].target {
                next = t;
                continue;
            }
        }
        let rejected = first_that_holds(ctx, facts, &step.rejects, "a rejection in step", step)?;
        if let Some(i) = rejected {
            exits.push(Exit {
                step: step_id,
                refused: false,
                rule: i,
                straight: false,
                notice_due: super::notices::due(ctx, facts, &step.rejects[i], on)?,
            });
        }
        if let Some(t) = rejected.and_then(|i| step.rejects[i].target) {
            next = t;
            continue;
        }
        // `on entry when …`: only a complaint the step accepts goes
        // straight on; one turned away waits here to come back.
        if rejected.is_none() {
            let moved =
                first_that_holds(ctx, facts, &step.entry_moves, "`on entry` of step", step)?;
            if let Some(t) = moved.and_then(|i| step.entry_moves[i].target.map(|t| (i, t))) {
                exits.push(Exit {
                    step: step_id,
                    refused: false,
                    rule: t.0,
                    straight: true,
                    notice_due: None,
                });
                next = t.1;
                continue;
            }
        }
        let mut visit = Visit {
            step: step_id,
            entered: on,
            seen: Vec::new(),
            deadlines: Vec::with_capacity(step.deadlines.len()),
            task_done: vec![None; step.tasks.len()],
            task_clocks: Vec::with_capacity(step.tasks.len()),
            paused: None,
            rejected,
        };
        for e in foreign_anchors(ctx.procedure, step) {
            if let Some(Some(date)) = last_seen.get(e.index()) {
                visit.note_seen(e, *date);
            }
        }
        if let Some(event) = event {
            visit.note_seen(event.event, on);
        }
        for d in &step.deadlines {
            visit.deadlines.push(
                Clock::new(d.duration, visit.anchor(d.anchor))
                    .beginning_with(d.beginning)
                    .dated(d.anchor),
            );
        }
        for t in &step.tasks {
            let clock = t.within.map(|(duration, anchor)| {
                Clock::new(duration, visit.anchor(anchor))
                    .beginning_with(t.within_beginning)
                    .dated(anchor)
            });
            visit.task_clocks.push(clock);
        }
        // A due date outside the calendar's years is found now, at the
        // event that started the clock, not later as a missing date.
        let applying = visit
            .deadlines
            .iter()
            .zip(&step.deadlines)
            .filter(|(_, d)| ctx.deadline_applies(d, facts))
            .map(|(clock, _)| clock);
        for clock in applying.chain(visit.task_clocks.iter().flatten()) {
            clock.rule_due(ctx, facts)?;
        }
        return Ok(Entry {
            target,
            exits,
            end: EntryEnd::Step(Box::new(visit)),
        });
    }
    Err(ReplayErrorKind::NotAllowed {
        event: "refusal".into(),
        on,
        step: ctx.procedure.target_name(target).to_string(),
        allowed: "the step's refusals lead round in a circle".into(),
        reason: "refusal_loop",
    })
}

/// When the case was received, once it has been.
pub(crate) fn received_on(state: &State) -> Option<NaiveDate> {
    state
        .last_seen
        .get(Builtin::Received.id().index())
        .copied()
        .flatten()
}

/// The days a guard applied on `today` reads in `state`.
pub(crate) fn moment(state: &State, today: NaiveDate) -> Moment<'_> {
    Moment {
        today: Some(today),
        ..moment_undated(state)
    }
}

/// The days a guard reads in `state` when no day is being decided.
fn moment_undated(state: &State) -> Moment<'_> {
    Moment {
        received: received_on(state),
        today: None,
        current: None,
        seen: state.visit().map_or(&[], |v| v.seen.as_slice()),
        closed: matches!(state.phase, Phase::Closed(_)),
        unmet: None,
    }
}

/// The current visit's deadlines that apply to the case and are unmet,
/// with their due dates from the clock (pauses and extensions counted):
/// what `missed D` reads. A deadline whose due date cannot be worked out
/// yet (its anchor has not happened, or it is paused) is not listed, so it
/// is not missed.
pub(crate) fn unmet_dues<'p>(ctx: &Ctx<'p>, state: &State) -> Vec<(&'p str, NaiveDate)> {
    let Phase::InStep(visit) = &state.phase else {
        return Vec::new();
    };
    if !ctx.procedure.reads_missed {
        return Vec::new();
    }
    let step = ctx.step(visit.step);
    let facts = Facts::known(&state.facts).at(moment_undated(state));
    step.deadlines
        .iter()
        .zip(&visit.deadlines)
        .filter(|(deadline, clock)| clock.met.is_none() && ctx.deadline_applies(deadline, facts))
        .filter_map(|(deadline, clock)| match clock.due(ctx, facts) {
            Ok(Due::On(due)) => Some((deadline.name.as_str(), due)),
            _ => None,
        })
        .collect()
}

/// The first of a step's refusals (or rejections) whose guard holds.
fn first_that_holds(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    rules: &[crate::check::ir::Refusal],
    what: &str,
    step: &Step,
) -> Result<Option<usize>, ReplayErrorKind> {
    for (i, rule) in rules.iter().enumerate() {
        if ctx.holds(&rule.guard, facts, &[], || {
            format!("{what} `{}`", step.name)
        })? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// The events a step's time limits count from that the step does not
/// handle itself.
fn foreign_anchors<'p>(
    procedure: &'p crate::check::ir::Procedure,
    step: &'p Step,
) -> impl Iterator<Item = crate::check::ir::EventId> + 'p {
    let handles = |e: crate::check::ir::EventId| {
        step.tasks.iter().any(|t| t.event == e)
            || step.transitions_on(e).next().is_some()
            || step.escalations.iter().any(|w| w.event == e)
            || step.deadlines.iter().any(|d| d.met_by.contains(&e))
    };
    step.deadlines
        .iter()
        .map(|d| d.anchor)
        .chain(step.tasks.iter().filter_map(|t| t.within.map(|w| w.1)))
        .chain(step.escalations.iter().map(|w| w.anchor))
        .flat_map(move |a| {
            let mut events = Vec::new();
            match a {
                Anchor::Event(e) => events.push(e),
                // The events a date expression reads count like anchors.
                Anchor::Date(i) => {
                    if let Some(d) = procedure.dates.get(i as usize) {
                        d.events(&mut events)
                    }
                }
                _ => {}
            }
            events.retain(|e| !handles(*e));
            events
        })
}

fn pause_rule(ctx: &Ctx<'_>, step: &Step, event: &CaseEvent) -> Result<usize, Failure> {
    if step.pauses.is_empty() {
        return Err(fail(ReplayErrorKind::PauseRefused {
            reason: format!(
                "step `{}` does not allow the procedure to be paused",
                step.name
            ),
            help: "only a step with a `pause for …` rule can be paused".into(),
            why: PauseRefusal::NoPauseRule,
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
                        why: PauseRefusal::UnknownPause,
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
            let who = ctx.role_name(needed);
            return Err((
                ReplayErrorKind::PauseRefused {
                    reason: format!(
                        "the pause for {} needs the agreement of {who}, and this event does not record it",
                        step.pauses[rule].name
                    ),
                    help: format!("record the agreement on the event: `agreed_by: {who}`"),
                    why: PauseRefusal::NeedsAgreement,
                },
                Some(if event.agreed_by.is_some() {
                    "agreed_by"
                } else {
                    "event"
                }),
            ));
        }
    }
    Ok(rule)
}

/// A pause rule with a `when` is used only when it holds on the day
/// `paused` is recorded; the pause then runs until `resumed`.
fn pause_for_case(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    step: &Step,
    rule: usize,
    event: &CaseEvent,
) -> Result<(), Failure> {
    let pause = &step.pauses[rule];
    if ctx.pause_applies(pause, facts) {
        return Ok(());
    }
    let condition = pause
        .guard
        .as_ref()
        .map(|g| crate::check::words::guard(ctx.procedure, g, None))
        .unwrap_or_default();
    Err((
        ReplayErrorKind::PauseRefused {
            reason: format!(
                "the pause for {} is allowed only when {condition}, which does not hold for this case on {}",
                pause.name, event.on
            ),
            help: "pause only a case the rule's condition holds for; a pause is not needed to keep the case open"
                .into(),
            why: PauseRefusal::NotForCase,
        },
        Some(if event.pause.is_some() { "pause" } else { "event" }),
    ))
}

/// Which deadline an `extended` event extends, and to when.
fn extension(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    visit: &Visit,
    step: &Step,
    event: &CaseEvent,
) -> Result<(usize, NaiveDate, bool, Option<NaiveDate>), Failure> {
    let refuse = |why: ExtensionRefusal, reason: String, help: String, key| {
        (ReplayErrorKind::ExtensionRefused { reason, help, why }, key)
    };
    let mut beyond_usual = false;
    let index = match &event.deadline {
        Some(name) => step
            .deadlines
            .iter()
            .position(|d| &d.name == name)
            .ok_or_else(|| {
                refuse(
                    ExtensionRefusal::UnknownDeadline,
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
                .filter(|i| {
                    step.deadlines[*i].extension != Extension::None
                        && ctx.deadline_applies(&step.deadlines[*i], facts)
                })
                .collect();
            match extendable.as_slice() {
                [one] => *one,
                [] => {
                    return Err(refuse(
                        ExtensionRefusal::NotExtendable,
                        format!("no deadline of step `{}` can be extended", step.name),
                        "the procedure gives this step no `extendable` deadline".into(),
                        None,
                    ))
                }
                _ => {
                    return Err(refuse(
                        ExtensionRefusal::WhichDeadline,
                        format!("step `{}` has several extendable deadlines", step.name),
                        "say which with `deadline: NAME`".into(),
                        None,
                    ))
                }
            }
        }
    };
    let rule = &step.deadlines[index];
    let clock = &visit.deadlines[index];
    if !ctx.deadline_applies(rule, facts) {
        return Err(refuse(
            ExtensionRefusal::NotExtendable,
            format!(
                "deadline `{}` does not apply to this case: its condition does not hold",
                rule.name
            ),
            "extend the deadline that applies to the case".into(),
            Some("deadline"),
        ));
    }
    if rule.extension == Extension::None {
        return Err(refuse(
            ExtensionRefusal::NotExtendable,
            format!("deadline `{}` is not extendable", rule.name),
            "the procedure does not allow this deadline to be extended".into(),
            None,
        ));
    }
    let due = match clock.due(ctx, facts).map_err(fail)? {
        Due::On(due) => due,
        Due::NotStarted => {
            let anchor = match rule.anchor {
                Anchor::Event(e) => format!("`{}`", ctx.event_name(e)),
                Anchor::Entry => "entry into the step".to_string(),
                dated => format!(
                    "`{}`, once the case gives it",
                    crate::check::words::anchor(ctx.procedure, dated)
                ),
            };
            return Err(refuse(
                ExtensionRefusal::NotStarted,
                format!("deadline `{}` has not started", rule.name),
                format!("it starts with {anchor} in this step; extend it after that"),
                None,
            ));
        }
        Due::AwaitingFact(f) => {
            return Err(refuse(
                ExtensionRefusal::NotStarted,
                format!(
                    "deadline `{}` has no due date yet: the case has not given `{}`",
                    rule.name,
                    ctx.fact_name(f)
                ),
                format!("give `{}` before extending it", ctx.fact_name(f)),
                None,
            ));
        }
    };
    if clock.met.is_some() {
        return Err(refuse(
            ExtensionRefusal::AlreadyMet,
            format!("deadline `{}` has already been met", rule.name),
            "nothing to extend".into(),
            None,
        ));
    }
    if event.on > due && !rule.extension_rules.after_expiry {
        return Err(refuse(
            ExtensionRefusal::AfterDue,
            format!(
                "deadline `{}` passed on {due}; it cannot be extended after it has passed",
                rule.name
            ),
            "agree an extension before the due date (a procedure that allows late ones says `, even after expiry`)".into(),
            None,
        ));
    }
    let until = match event.extension {
        Some(ExtensionRequest::Until(date)) => date,
        Some(ExtensionRequest::By(amount, unit)) => ctx
            .add(due, i64::from(amount), unit)
            .map_err(|e| (e, Some("by")))?,
        None => {
            return Err(refuse(
                ExtensionRefusal::NoNewDate,
                "an extension needs `until: DATE` or `for: DURATION`".into(),
                "for example `until: 2027-03-01` or `for: 10 working days`".into(),
                None,
            ))
        }
    };
    if until <= due {
        return Err(refuse(
            ExtensionRefusal::NotLater,
            format!("{until} is not later than the current due date {due}"),
            "an extension moves the due date later".into(),
            Some("until"),
        ));
    }
    if let Extension::UpTo(ceiling) = rule.extension {
        let Some((amount, unit)) = duration_of(ceiling, facts) else {
            return Err(fail(ReplayErrorKind::MissingFact {
                fact: match ceiling {
                    crate::check::ir::DurationSpec::Fact(f) => ctx.fact_name(f).to_string(),
                    crate::check::ir::DurationSpec::Fixed { .. } => String::new(),
                },
                needed_by: "the extension ceiling".into(),
            }));
        };
        if let Some(limit) = clock.ceiling(ctx, facts, amount, unit).map_err(fail)? {
            let soft = rule.extension_rules.soft_cap;
            if until > limit && soft && event.reason.is_some() {
                beyond_usual = true;
            } else if until > limit && soft {
                return Err(refuse(
                    ExtensionRefusal::BeyondCeiling,
                    format!(
                        "{until} is beyond the usual limit of {} for `{}`, which ends on {limit}, and the event gives no reason",
                        describe_ceiling(amount, unit),
                        rule.name
                    ),
                    format!("say why it must go beyond the usual limit: `reason: …`; or extend to {limit} at the latest"),
                    Some(match event.extension {
                        Some(ExtensionRequest::By(..)) => "by",
                        _ => "until",
                    }),
                ));
            } else if until > limit {
                return Err(refuse(
                    ExtensionRefusal::BeyondCeiling,
                    format!(
                        "{until} is beyond the ceiling of {} for `{}`, which ends on {limit}",
                        describe_ceiling(amount, unit),
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
    let late_from = (event.on > due).then_some(due);
    Ok((index, until, beyond_usual, late_from))
}

/// "`x` on D is not allowed in step S", with what the step allows now.
pub(crate) fn not_allowed(ctx: &Ctx<'_>, event: &CaseEvent, visit: &Visit) -> Failure {
    let step = ctx.step(visit.step);
    let (allowed, reason) = if visit.paused.is_some() {
        (
            "the case is paused: only `resumed` or `withdrawn` may come next".to_string(),
            "paused",
        )
    } else if visit.rejected.is_some() {
        (
            "the complaint was turned away: only `resubmitted` or `withdrawn` may come next"
                .to_string(),
            "turned_away",
        )
    } else {
        let mut names: Vec<String> = Vec::new();
        for t in &step.transitions {
            let label = match &t.guard {
                Some(_) => format!("`{}` (when its guard holds)", ctx.event_name(t.event)),
                None => format!("`{}`", ctx.event_name(t.event)),
            };
            if !names.contains(&label) {
                names.push(label);
            }
        }
        names.extend(step.tasks.iter().map(|t| format!("`{}` (task)", t.name)));
        names.extend(
            step.escalations
                .iter()
                .map(|e| format!("`{}` (request)", ctx.event_name(e.event))),
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
        let opens = step
            .escalations
            .iter()
            .any(|e| e.event == event.event && visit.anchor(e.anchor).is_none());
        let mut text = format!("step `{}` allows: {}", step.name, names.join(", "));
        if opens {
            text.push_str("; its window for this request has not opened yet");
        }
        (
            text,
            if opens {
                "window_not_open"
            } else {
                "not_in_step"
            },
        )
    };
    fail(ReplayErrorKind::NotAllowed {
        event: ctx.event_name(event.event).to_string(),
        on: event.on,
        step: step.name.clone(),
        allowed,
        reason,
    })
}

/// A request whose every window has a `when` that is false for the case:
/// the step gives this case no such right, so it is not allowed, and the
/// refusal says which condition decided it.
fn not_for_case(ctx: &Ctx<'_>, facts: Facts<'_>, event: &CaseEvent, visit: &Visit) -> Failure {
    let step = ctx.step(visit.step);
    let conditions: Vec<String> = step
        .escalations
        .iter()
        .filter(|w| w.event == event.event && !ctx.window_applies(w, facts))
        .filter_map(|w| w.guard.as_ref())
        .map(|g| format!("`{}`", crate::check::words::guard(ctx.procedure, g, None)))
        .collect();
    fail(ReplayErrorKind::NotAllowed {
        event: ctx.event_name(event.event).to_string(),
        on: event.on,
        step: step.name.clone(),
        allowed: format!(
            "step `{}` opens a window for this request only when {}, which does not hold for this case",
            step.name,
            conditions.join(" or ")
        ),
        reason: "window_not_for_case",
    })
}

/// A `fixed` fact, once given, keeps its value: an event that gives it
/// again with another value is refused (giving the same value is no change).
fn fixed_facts_kept(ctx: &Ctx<'_>, state: &State, event: &CaseEvent) -> Result<(), Failure> {
    for (fact, now) in &event.facts {
        let decl = &ctx.procedure.facts[fact.index()];
        let (Some(why), Some(Some(was))) = (&decl.fixed, state.facts.get(fact.index())) else {
            continue;
        };
        if was != now {
            return Err((
                ReplayErrorKind::FixedFactChanged {
                    message: format!(
                        "`{}` on {} changes fact `{}` from {} to {}, but it is fixed{}",
                        ctx.event_name(event.event),
                        event.on,
                        decl.name,
                        words::fact_value(ctx.procedure, *fact, was),
                        words::fact_value(ctx.procedure, *fact, now),
                        if why.is_empty() {
                            String::new()
                        } else {
                            format!(": \"{why}\"")
                        }
                    ),
                    fact: decl.name.clone(),
                },
                Some("facts"),
            ));
        }
    }
    Ok(())
}
