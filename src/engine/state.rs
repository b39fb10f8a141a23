//! Where a case stands between events. Only [`super::effect::apply`]
//! changes a `State`; everything else reads it.

use chrono::NaiveDate;

use crate::check::ir::{Anchor, EventId, OutcomeId, RoleId, StepId, Value};

use super::clock::Clock;
use super::report::Breach;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct State {
    pub(crate) phase: Phase,
    /// Each fact's value by `FactId`; `None` while the case has not given it.
    pub(crate) facts: Vec<Option<Value>>,
    /// The latest date of each event anywhere in the case, by `EventId`:
    /// where a step's time limit counts from an event the step does not
    /// handle itself (`within 3 weeks of response_sent` after Step 1).
    pub(crate) last_seen: Vec<Option<NaiveDate>>,
    pub(crate) breaches: Vec<Breach>,
    /// Soft deadlines met late by an event that gave a reason: reported
    /// apart from breaches.
    pub(crate) late_with_reason: Vec<Breach>,
    /// Who the case names in each role, by `RoleId` (`people:`).
    pub(crate) people: Vec<Option<super::Holder>>,
    /// Who made each event whose person is known, for the rules about
    /// people (`different from`, `not also`) and for reports.
    pub(crate) acts: Vec<Act>,
    /// Referral duties (`refer to BODY when … immediately`), each from the
    /// day its condition first held.
    pub(crate) referrals: Vec<Referral>,
    /// Notices sent, by position in the procedure's `notices`, and when.
    pub(crate) notices: Vec<(usize, NaiveDate)>,
    /// Every track the case has started, in the order they started.
    pub(crate) tracks: Vec<super::tracks::TrackRun>,
    /// Notices owed by a `reject` or `refuse … requires notice`, in the
    /// order the rejections happened.
    pub(crate) owed: Vec<Owed>,
}

/// A notice a rejection owes, or has had.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Owed {
    /// By position in the procedure's `notices`.
    pub(crate) notice: usize,
    /// The step whose `reject` or `refuse` owes it.
    pub(crate) step: StepId,
    /// A `refuse` (the step was not opened), not a `reject`.
    pub(crate) refused: bool,
    /// The day of the rejection.
    pub(crate) since: NaiveDate,
    /// `None` while a duration fact it counts is not given.
    pub(crate) due: Option<NaiveDate>,
    pub(crate) sent: Option<NaiveDate>,
    pub(crate) cites: Vec<String>,
}

/// A referral the case must make, or has made.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Referral {
    pub(crate) body: crate::check::ir::BodyId,
    /// The step whose rule it is; `None` for a rule of the whole procedure.
    pub(crate) step: Option<StepId>,
    /// The day the rule's condition first held (or the referral was made,
    /// for one made before it did).
    pub(crate) since: NaiveDate,
    /// `None` while a duration fact it counts is not given.
    pub(crate) due: Option<NaiveDate>,
    pub(crate) made: Option<NaiveDate>,
    pub(crate) cites: Vec<String>,
}

/// An event made by known people (one person, or a panel's members),
/// acting in a role, in a step.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Act {
    pub(crate) on: NaiveDate,
    pub(crate) event: EventId,
    pub(crate) step: StepId,
    pub(crate) role: RoleId,
    pub(crate) who: super::Holder,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Phase {
    NotReceived,
    InStep(Box<Visit>),
    Closed(Closed),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Closed {
    pub(crate) outcome: OutcomeId,
    pub(crate) on: NaiveDate,
    pub(crate) last_step: Option<StepId>,
}

/// One visit of a step: from the day the case entered it to the day it
/// leaves. A step entered again (a loop) is a new visit with fresh clocks.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Visit {
    pub(crate) step: StepId,
    pub(crate) entered: NaiveDate,
    /// The dates time limits in this visit count from: the latest date of
    /// each event the step handles itself (its tasks, transitions and
    /// requests), in this visit only, never from another step or an
    /// earlier visit; the event that brought the case into the step; and,
    /// for an anchor the step does not handle itself, that event's latest
    /// date in the case when the step was entered.
    pub(crate) seen: Vec<(EventId, NaiveDate)>,
    pub(crate) deadlines: Vec<Clock>,
    pub(crate) task_done: Vec<Option<NaiveDate>>,
    pub(crate) task_clocks: Vec<Option<Clock>>,
    /// Since when, and under which pause rule.
    pub(crate) paused: Option<(NaiveDate, usize)>,
    /// A `reject` (by position) turned the complaint away; it may be
    /// resubmitted.
    pub(crate) rejected: Option<usize>,
}

impl Visit {
    /// When `event` last happened in this visit.
    pub(crate) fn seen(&self, event: EventId) -> Option<NaiveDate> {
        self.seen
            .iter()
            .find(|(e, _)| *e == event)
            .map(|(_, on)| *on)
    }

    /// The date an anchor stands for in this visit, once it has happened.
    pub(crate) fn anchor(&self, anchor: Anchor) -> Option<NaiveDate> {
        match anchor {
            Anchor::Entry => Some(self.entered),
            Anchor::Event(e) => self.seen(e),
            // Dates from facts and expressions are the clock's to work out.
            Anchor::Fact(_) | Anchor::Date(_) => None,
        }
    }

    pub(crate) fn note_seen(&mut self, event: EventId, on: NaiveDate) {
        match self.seen.iter_mut().find(|(e, _)| *e == event) {
            Some(slot) => slot.1 = on,
            None => self.seen.push((event, on)),
        }
    }
}

impl State {
    pub(crate) fn new(facts: Vec<Option<Value>>, events: usize) -> State {
        State {
            phase: Phase::NotReceived,
            facts,
            last_seen: vec![None; events],
            breaches: Vec::new(),
            late_with_reason: Vec::new(),
            people: Vec::new(),
            acts: Vec::new(),
            referrals: Vec::new(),
            notices: Vec::new(),
            tracks: Vec::new(),
            owed: Vec::new(),
        }
    }

    pub(crate) fn visit(&self) -> Option<&Visit> {
        match &self.phase {
            Phase::InStep(v) => Some(v),
            _ => None,
        }
    }
}
