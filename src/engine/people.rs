//! The rules about people: who made an event (its `person:`, or the case's
//! holder of the acting role), a step's lead who must differ from an
//! earlier step's (`lead x, different from stage1`), and roles one person
//! may not hold together (`role x, not also y`).

use chrono::NaiveDate;

use crate::check::ir::{Procedure, RoleId, StepId};

use super::context::Ctx;
use super::error::ReplayErrorKind;
use super::state::{Act, Phase, State};
use super::CaseEvent;

/// The case's `people:` by `RoleId`.
pub(crate) fn holders(procedure: &Procedure, people: &[(RoleId, String)]) -> Vec<Option<String>> {
    let mut out = vec![None; procedure.roles.len()];
    for (role, person) in people {
        if let Some(slot) = out.get_mut(role.index()) {
            *slot = Some(person.clone());
        }
    }
    out
}

fn holder(state: &State, role: RoleId) -> Option<&str> {
    state.people.get(role.index()).and_then(|p| p.as_deref())
}

/// The step an event happens in, the role it is made in (its `by`, else
/// the step's lead) and the person, when known.
fn acting(ctx: &Ctx<'_>, state: &State, event: &CaseEvent) -> Option<(StepId, RoleId, String)> {
    let step = match &state.phase {
        Phase::NotReceived => ctx.procedure.start,
        Phase::InStep(v) => v.step,
        Phase::Closed(_) => return None,
    };
    let role = event.by.unwrap_or(ctx.step(step).lead);
    let person = event
        .person
        .clone()
        .or_else(|| holder(state, role).map(str::to_string))?;
    Some((step, role, person))
}

fn role_name<'a>(ctx: &Ctx<'a>, role: RoleId) -> &'a str {
    &ctx.procedure.roles[role.index()].name
}

/// Where `person` acted as `role` before, in words: "`response_sent` on
/// 2026-03-10", or "the case's `people:`".
fn acted_as(
    ctx: &Ctx<'_>,
    state: &State,
    role: RoleId,
    person: &str,
    step: Option<StepId>,
) -> Option<String> {
    // The latest, which is usually the decision rather than the arrival.
    if let Some(act) = state
        .acts
        .iter()
        .rev()
        .find(|a| a.role == role && a.person == person && step.is_none_or(|s| a.step == s))
    {
        return Some(format!("`{}` on {}", ctx.event_name(act.event), act.on));
    }
    let visited = step.is_none_or(|s| state.acts.iter().any(|a| a.step == s));
    (visited && holder(state, role) == Some(person)).then(|| "the case's `people:`".to_string())
}

/// Whether the event's person may make it.
pub(crate) fn check(
    ctx: &Ctx<'_>,
    state: &State,
    event: &CaseEvent,
) -> Result<(), ReplayErrorKind> {
    let Some((step, role, person)) = acting(ctx, state, event) else {
        return Ok(());
    };
    let here = ctx.step(step);
    let name = ctx.event_name(event.event);
    if role == here.lead {
        for &earlier in &here.different_from {
            let lead = ctx.step(earlier).lead;
            if let Some(there) = acted_as(ctx, state, lead, &person, Some(earlier)) {
                return Err(ReplayErrorKind::PersonRefused {
                    message: format!(
                        "`{name}` on {} is made by {person} as {}, the lead of step `{}`, but {person} led step `{}` ({there})",
                        event.on,
                        role_name(ctx, role),
                        here.name,
                        ctx.step(earlier).name,
                    ),
                    help: format!(
                        "step `{}` must be led by someone other than the lead of step `{}`: record who made this event (`person:`), or correct the earlier one",
                        here.name,
                        ctx.step(earlier).name
                    ),
                    reason: "same_person_as_earlier_lead",
                });
            }
        }
    }
    // `not also` binds both ways: declared on either role.
    for (other, _) in ctx.procedure.roles.iter().enumerate() {
        let other = RoleId(other as u32);
        if other == role {
            continue;
        }
        let excluded = ctx.procedure.roles[role.index()].not_also.contains(&other)
            || ctx.procedure.roles[other.index()].not_also.contains(&role);
        if !excluded {
            continue;
        }
        if let Some(there) = acted_as(ctx, state, other, &person, None) {
            return Err(ReplayErrorKind::PersonRefused {
                message: format!(
                    "`{name}` on {} is made by {person} as {}, but {person} is also {} ({there})",
                    event.on,
                    role_name(ctx, role),
                    role_name(ctx, other)
                ),
                help: format!(
                    "one person may not be both {} and {}: record who made this event (`person:`), or correct the earlier one",
                    role_name(ctx, role),
                    role_name(ctx, other)
                ),
                reason: "roles_held_together",
            });
        }
    }
    Ok(())
}

/// Notes who made an accepted event, before the event moves the case.
pub(crate) fn record(ctx: &Ctx<'_>, state: &mut State, event: &CaseEvent, on: NaiveDate) {
    if let Some((step, role, person)) = acting(ctx, state, event) {
        state.acts.push(Act {
            on,
            event: event.event,
            step,
            role,
            person,
        });
    }
}

/// Who holds each role: the person of the latest event made in it, else
/// the case's `people:`; roles with nobody known are left out.
pub(crate) fn holding(ctx: &Ctx<'_>, state: &State) -> Vec<(String, String)> {
    (0..ctx.procedure.roles.len())
        .filter_map(|i| {
            let role = RoleId(i as u32);
            let person = state
                .acts
                .iter()
                .rev()
                .find(|a| a.role == role)
                .map(|a| a.person.as_str())
                .or_else(|| holder(state, role))?;
            Some((role_name(ctx, role).to_string(), person.to_string()))
        })
        .collect()
}
