//! Referrals that must be made: `refer to BODY when GUARD immediately` (or
//! `within DURATION`) is a duty from the day its condition first holds,
//! discharged by a `referred` event naming the body; made late, or still
//! unmade past its due date, it is a breach like a deadline's.

use chrono::NaiveDate;

use crate::check::ir::{BodyId, Route, RouteKind, StepId};

use super::clock;
use super::context::{Ctx, Facts};
use super::error::ReplayErrorKind;
use super::report::Breach;
use super::state::{Phase, Referral, State};
use super::CaseEvent;

/// The referral rules in force: the procedure's, and the current step's.
fn rules<'a>(ctx: &Ctx<'a>, state: &State) -> impl Iterator<Item = (Option<StepId>, &'a Route)> {
    let step = match &state.phase {
        Phase::InStep(v) => Some(v.step),
        _ => None,
    };
    let here = step.map_or(&[][..], |s| ctx.step(s).routes.as_slice());
    ctx.procedure
        .routes
        .iter()
        .map(|r| (None, r))
        .chain(here.iter().map(move |r| (step, r)))
        .filter(|(_, r)| r.kind == RouteKind::Referral)
}

/// Which body a `referred` event names, if the procedure refers to it.
pub(crate) fn admit(
    ctx: &Ctx<'_>,
    state: &State,
    event: &CaseEvent,
) -> Result<BodyId, ReplayErrorKind> {
    let referable: Vec<&str> = {
        let mut names: Vec<&str> = ctx
            .procedure
            .routes
            .iter()
            .chain(ctx.procedure.steps.iter().flat_map(|s| &s.routes))
            .filter(|r| r.kind == RouteKind::Referral)
            .map(|r| ctx.procedure.bodies[r.body.index()].name.as_str())
            .collect();
        names.dedup();
        names
    };
    let Some(body) = event.to else {
        return Err(ReplayErrorKind::ReferralRefused {
            message: format!("`referred` on {} does not say to whom", event.on),
            help: format!(
                "name the body: `to: {}`",
                referable.first().copied().unwrap_or("BODY")
            ),
            reason: "no_body",
        });
    };
    let name = &ctx.procedure.bodies[body.index()].name;
    if !referable.contains(&name.as_str()) {
        let _ = state;
        return Err(ReplayErrorKind::ReferralRefused {
            message: format!(
                "`referred` on {} names `{name}`, which no `refer to` rule names",
                event.on
            ),
            help: if referable.is_empty() {
                "the procedure makes no referrals; record the contact as a `note` instead".into()
            } else {
                format!("the procedure refers to: {}", referable.join(", "))
            },
            reason: "no_referral_rule",
        });
    }
    Ok(body)
}

/// Starts the duty of each timed referral whose condition now holds.
pub(crate) fn start(ctx: &Ctx<'_>, state: &mut State, on: NaiveDate) {
    let facts = Facts::known(&state.facts);
    let mut started = Vec::new();
    for (step, rule) in rules(ctx, state) {
        let Some(due) = rule.due else { continue };
        if state.referrals.iter().any(|r| r.body == rule.body)
            || started.iter().any(|r: &Referral| r.body == rule.body)
        {
            continue;
        }
        let holds = match &rule.guard {
            None => true,
            Some(g) => ctx.holds(g, facts, &[], String::new).unwrap_or(false),
        };
        if holds {
            started.push(Referral {
                body: rule.body,
                step,
                since: on,
                due: clock::referral_due(ctx, facts, on, due).ok().flatten(),
                made: None,
                cites: rule.cites.clone(),
            });
        }
    }
    state.referrals.extend(started);
}

/// Records a referral made on `on`: discharges the duty, a breach when
/// late; one made before any duty started is kept as made.
pub(crate) fn made(
    ctx: &Ctx<'_>,
    state: &mut State,
    body: BodyId,
    on: NaiveDate,
    step: Option<StepId>,
) {
    match state
        .referrals
        .iter_mut()
        .find(|r| r.body == body && r.made.is_none())
    {
        Some(duty) => {
            duty.made = Some(on);
            if let Some(due) = duty.due.filter(|due| on > *due) {
                let breach = breach(ctx, duty, due, Some(on), on);
                state.breaches.push(breach);
            }
        }
        None => {
            if !state.referrals.iter().any(|r| r.body == body) {
                state.referrals.push(Referral {
                    body,
                    step,
                    since: on,
                    due: None,
                    made: Some(on),
                    cites: Vec::new(),
                });
            }
        }
    }
}

/// A referral as a breach: named after its body, in its rule's step.
pub(crate) fn breach(
    ctx: &Ctx<'_>,
    duty: &Referral,
    due: NaiveDate,
    met_on: Option<NaiveDate>,
    at: NaiveDate,
) -> Breach {
    Breach {
        step: duty
            .step
            .map_or_else(|| "(whole case)".to_string(), |s| ctx.step(s).name.clone()),
        deadline: ctx.procedure.bodies[duty.body.index()].name.clone(),
        due,
        met_on,
        late_working_days: clock::working_days_late(ctx.calendar, due, at),
        cite: duty.cites.clone(),
        reason: None,
    }
}
