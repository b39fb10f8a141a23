//! Notices a rejection owes: `reject when … -> OUTCOME requires notice N
//! [within D]` (or the same on a `refuse`) must be explained in writing.
//! The notice is owed from the day the rule applies, due that day (or `D`
//! later), and discharged by the first `notice` event naming it; sent
//! late, or still unsent past its due date, it is a breach like a
//! deadline's. A case at its outcome with a notice owed is not fully
//! closed, and that notice is the one event accepted after the outcome.

use chrono::NaiveDate;

use crate::check::ir::{Builtin, ReferralDue, Refusal};

use super::clock;
use super::context::{Ctx, Facts};
use super::effect::Exit;
use super::error::ReplayErrorKind;
use super::report::Breach;
use super::state::{Owed, State};
use super::CaseEvent;

/// The rule an exit applied: its `reject` or `refuse`, or `None` for an
/// `on entry` move, which owes nothing.
pub(crate) fn rule<'p>(ctx: &Ctx<'p>, exit: &Exit) -> Option<&'p Refusal> {
    let step = ctx.step(exit.step);
    match (exit.straight, exit.refused) {
        (true, _) => None,
        (false, true) => step.refusals.get(exit.rule),
        (false, false) => step.rejects.get(exit.rule),
    }
}

/// When the notices a rule owes from `on` are due: that same day without
/// `within`, else counted as a referral's time is (the day itself not
/// counted). `Ok(None)` while a duration fact it counts is not given, and
/// for a rule that owes no notice.
pub(crate) fn due(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    rule: &Refusal,
    on: NaiveDate,
) -> Result<Option<NaiveDate>, ReplayErrorKind> {
    let Some(owed) = &rule.notice else {
        return Ok(None);
    };
    let due = owed
        .within
        .map_or(ReferralDue::Immediately, ReferralDue::Within);
    clock::referral_due(ctx, facts, on, due)
}

/// Records the notices an exit's rule owes, from `on`.
pub(crate) fn owe(ctx: &Ctx<'_>, state: &mut State, exit: &Exit, on: NaiveDate) {
    let Some(rule) = rule(ctx, exit) else {
        return;
    };
    let Some(owed) = &rule.notice else {
        return;
    };
    for name in &owed.notices {
        let Some(notice) = ctx.procedure.notices.iter().position(|n| &n.name == name) else {
            continue;
        };
        state.owed.push(Owed {
            notice,
            step: exit.step,
            refused: exit.refused,
            since: on,
            due: exit.notice_due,
            sent: None,
            cites: rule.cites.clone(),
        });
    }
}

/// Records a notice sent on `on`: it discharges the earliest unsent
/// notice of that name a rejection owes, a breach when late. Returns the
/// one discharged, for the timeline.
pub(crate) fn sent(ctx: &Ctx<'_>, state: &mut State, notice: usize, on: NaiveDate) -> Option<Owed> {
    let owed = state
        .owed
        .iter_mut()
        .find(|o| o.notice == notice && o.sent.is_none())?;
    owed.sent = Some(on);
    let discharged = owed.clone();
    if let Some(due) = discharged.due.filter(|due| on > *due) {
        state
            .breaches
            .push(breach(ctx, &discharged, due, Some(on), on));
    }
    Some(discharged)
}

/// Whether `event` is a `notice` naming a notice the case still owes:
/// the one event a case at its outcome accepts.
pub(crate) fn owed_now(ctx: &Ctx<'_>, state: &State, event: &CaseEvent) -> bool {
    Builtin::of(event.event) == Some(Builtin::Notice)
        && event.notice.as_deref().is_some_and(|name| {
            state
                .owed
                .iter()
                .any(|o| o.sent.is_none() && ctx.procedure.notices[o.notice].name == name)
        })
}

/// An owed notice as a breach: named after the notice, in the step whose
/// rule owes it.
pub(crate) fn breach(
    ctx: &Ctx<'_>,
    owed: &Owed,
    due: NaiveDate,
    met_on: Option<NaiveDate>,
    at: NaiveDate,
) -> Breach {
    Breach {
        step: ctx.step(owed.step).name.clone(),
        deadline: ctx.procedure.notices[owed.notice].name.clone(),
        due,
        met_on,
        late_working_days: clock::working_days_late(ctx.calendar, due, at),
        cite: owed.cites.clone(),
        reason: None,
    }
}

/// "refusal_letter to complainant owed by 2026-03-02", for the timeline.
pub(crate) fn owed_words(ctx: &Ctx<'_>, rule: &Refusal, due: Option<NaiveDate>) -> Option<String> {
    let owed = rule.notice.as_ref()?;
    let each: Vec<String> = owed
        .notices
        .iter()
        .filter_map(|name| ctx.procedure.notices.iter().find(|n| &n.name == name))
        .map(|n| format!("{} to {}", n.name, ctx.role_name(n.to)))
        .collect();
    let by = due.map_or_else(
        || "once the case gives its duration".to_string(),
        |d| format!("by {d}"),
    );
    Some(format!("{} owed {by}", each.join(" and ")))
}
