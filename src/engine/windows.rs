//! Escalation windows: when each opens and closes in a visit of a step,
//! and whether a request is in time. A step may give one request event
//! several windows (two ways to be in time); a request is in time when it
//! falls inside any window of its event that has opened.

use chrono::NaiveDate;

use crate::check::ir::{Escalation, EventId, Step};

use super::clock::duration_of;
use super::context::{Ctx, Facts};
use super::error::ReplayErrorKind;
use super::state::Visit;

/// Whether a request on a date is in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// The step has no window for the event.
    NoWindow,
    /// No window for the event has opened yet (its anchor has not
    /// happened in this visit).
    NotOpen,
    /// Inside this window (by position in the step's escalations).
    In(usize),
    /// Every window for the event has opened and closed; the last closed
    /// on this date.
    Closed(NaiveDate),
    /// The step has windows for the event, but the `when` of each is
    /// false for the case: it has no right to make this request.
    NotForCase,
}

/// The last day of a window, once its anchor has happened in this visit.
/// A window whose length is a fact the case has not given yet has not
/// opened.
pub(crate) fn close(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    visit: &Visit,
    window: &Escalation,
) -> Result<Option<NaiveDate>, ReplayErrorKind> {
    let from = match visit.anchor(window.anchor) {
        Some(from) => from,
        None => match ctx.date_anchor(window.anchor, facts) {
            Ok(from) => from,
            Err(_) => return Ok(None),
        },
    };
    let Some((amount, unit)) = duration_of(window.within, facts) else {
        return Ok(None);
    };
    super::clock::count(ctx, from, amount, unit, window.beginning).map(Some)
}

/// The day a window opens, once its anchor is known: the anchor's day,
/// or entering the step for one that runs `until` a date.
fn opens(ctx: &Ctx<'_>, facts: Facts<'_>, visit: &Visit, window: &Escalation) -> Option<NaiveDate> {
    if window.within == crate::check::ir::UNTIL {
        return Some(visit.entered);
    }
    visit
        .anchor(window.anchor)
        .or_else(|| ctx.date_anchor(window.anchor, facts).ok())
}

/// The day the step's last window closes, once every window has opened:
/// `otherwise` moves the case on the day after.
pub(crate) fn last_close(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    visit: &Visit,
    step: &Step,
) -> Result<Option<NaiveDate>, ReplayErrorKind> {
    let mut last: Option<NaiveDate> = None;
    for window in &step.escalations {
        // A window whose `when` is false never opens for the case: it
        // counts as closed on the day it would have opened, so `otherwise`
        // is not kept waiting for it.
        let closes = if ctx.window_applies(window, facts) {
            close(ctx, facts, visit, window)?
        } else {
            opens(ctx, facts, visit, window)
        };
        let Some(closes) = closes else {
            return Ok(None);
        };
        last = Some(last.map_or(closes, |l| l.max(closes)));
    }
    Ok(last)
}

/// Whether a request for `event` on `on` is in time, and through which
/// window: the first, in declaration order, that is open on that day.
pub(crate) fn admit(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    visit: &Visit,
    step: &Step,
    event: EventId,
    on: NaiveDate,
) -> Result<Admission, ReplayErrorKind> {
    let mut any = false;
    let mut for_case = false;
    let mut opened_all = true;
    let mut latest_close: Option<NaiveDate> = None;
    for (i, window) in step.escalations.iter().enumerate() {
        if window.event != event {
            continue;
        }
        any = true;
        if !ctx.window_applies(window, facts) {
            continue;
        }
        for_case = true;
        match close(ctx, facts, visit, window)? {
            Some(closes) if on <= closes => return Ok(Admission::In(i)),
            Some(closes) => latest_close = Some(latest_close.map_or(closes, |l| l.max(closes))),
            None => opened_all = false,
        }
    }
    Ok(match (any, opened_all, latest_close) {
        (false, _, _) => Admission::NoWindow,
        _ if !for_case => Admission::NotForCase,
        (true, true, Some(closed)) => Admission::Closed(closed),
        _ => Admission::NotOpen,
    })
}

/// When the windows for `event` close: the latest of those open.
pub(crate) fn event_close(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    visit: &Visit,
    step: &Step,
    event: EventId,
) -> Option<NaiveDate> {
    step.escalations
        .iter()
        .filter(|w| w.event == event && ctx.window_applies(w, facts))
        .filter_map(|w| close(ctx, facts, visit, w).ok().flatten())
        .max()
}
