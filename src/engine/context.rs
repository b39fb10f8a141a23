//! What every part of the engine reads and never changes: the compiled
//! procedure, the calendar, and the case's facts as a guard sees them.

use chrono::NaiveDate;

use crate::calendar::{Calendar, CalendarError};
use crate::check::ir::{
    Anchor, Env, EventId, Expr, FactId, Procedure, RoleId, Step, StepId, Unit, Value,
};

use super::error::ReplayErrorKind;

/// The procedure and calendar a case is replayed against.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) procedure: &'a Procedure,
    pub(crate) calendar: &'a Calendar,
}

pub(crate) fn calendar_error(e: CalendarError) -> ReplayErrorKind {
    ReplayErrorKind::DateOutOfRange {
        message: e.to_string(),
    }
}

impl<'a> Ctx<'a> {
    pub(crate) fn step(&self, id: StepId) -> &'a Step {
        &self.procedure.steps[id.index()]
    }

    pub(crate) fn event_name(&self, id: EventId) -> &'a str {
        &self.procedure.events[id.index()].name
    }

    pub(crate) fn role_name(&self, id: RoleId) -> &'a str {
        &self.procedure.roles[id.index()].name
    }

    pub(crate) fn fact_name(&self, id: FactId) -> &'a str {
        &self.procedure.facts[id.index()].name
    }

    pub(crate) fn add(
        &self,
        date: NaiveDate,
        amount: i64,
        unit: Unit,
    ) -> Result<NaiveDate, ReplayErrorKind> {
        match unit {
            Unit::WorkingDays => self.calendar.add_working_days(date, amount),
            Unit::Days => self.calendar.add_days(date, amount),
            Unit::Weeks => self.calendar.add_weeks(date, amount),
            Unit::Months => self.calendar.add_months(date, amount),
            Unit::Years => self.calendar.add_months(date, amount.saturating_mul(12)),
        }
        .map_err(calendar_error)
    }

    /// Whether a guard holds; a value it needs and the case does not give
    /// is an error naming the first such fact and what needed it.
    pub(crate) fn holds(
        &self,
        guard: &Expr,
        facts: Facts<'_>,
        params: &[Option<Value>],
        needed_by: impl FnOnce() -> String,
    ) -> Result<bool, ReplayErrorKind> {
        let env = Guarded {
            facts,
            params,
            calendar: self.calendar,
        };
        if let Some(b) = guard.holds(&env) {
            return Ok(b);
        }
        let mut inputs = Vec::new();
        guard.inputs(&mut inputs, &mut Vec::new());
        let fact = inputs
            .iter()
            .find(|f| facts.get(**f).is_none())
            .map_or_else(
                || "an event field".to_string(),
                |f| self.fact_name(*f).to_string(),
            );
        Err(ReplayErrorKind::MissingFact {
            fact,
            needed_by: needed_by(),
        })
    }

    /// The date of an anchor the case gives: a `date` fact, or a date
    /// expression. `Err(Some(fact))` names a fact the case has not given,
    /// `Err(None)` means an event it reads has not happened.
    pub(crate) fn date_anchor(
        &self,
        anchor: Anchor,
        facts: Facts<'_>,
    ) -> Result<NaiveDate, Option<FactId>> {
        let expr = match anchor {
            Anchor::Fact(f) => {
                return match facts.get(f) {
                    Some(Value::Date(d)) => Ok(*d),
                    _ => Err(Some(f)),
                }
            }
            Anchor::Date(i) => self.procedure.dates.get(i as usize).ok_or(None)?,
            _ => return Err(None),
        };
        let env = Guarded {
            facts,
            params: &[],
            calendar: self.calendar,
        };
        match expr.eval(&env) {
            Some(Value::Date(d)) => Ok(d),
            _ => {
                let mut inputs = Vec::new();
                expr.inputs(&mut inputs, &mut Vec::new());
                Err(inputs.into_iter().find(|f| facts.get(*f).is_none()))
            }
        }
    }

    /// The first event whose date the guard reads and which has not
    /// happened in this visit: why the guard is false, in words.
    pub(crate) fn awaited(
        &self,
        guard: &Expr,
        facts: Facts<'_>,
        params: &[Option<Value>],
    ) -> Option<&'a str> {
        let env = Guarded {
            facts,
            params,
            calendar: self.calendar,
        };
        guard.event_awaited(&env).map(|e| self.event_name(e))
    }

    /// Whether a deadline applies to the case now: its `when` holds, or it
    /// has none. One whose condition cannot be decided yet (a fact not
    /// given) applies, so that no time limit is hidden for want of a fact.
    pub(crate) fn deadline_applies(
        &self,
        deadline: &crate::check::ir::Deadline,
        facts: Facts<'_>,
    ) -> bool {
        deadline.guard.as_ref().is_none_or(|g| {
            g.holds(&Guarded {
                facts,
                params: &[],
                calendar: self.calendar,
            }) != Some(false)
        })
    }

    /// A rule's `when` that is not known to be false: true, or not
    /// decidable yet.
    fn undenied(&self, guard: &Expr, facts: Facts<'_>) -> bool {
        guard.holds(&Guarded {
            facts,
            params: &[],
            calendar: self.calendar,
        }) != Some(false)
    }

    /// Whether an escalation window exists for the case now: its `when`
    /// holds, or it has none. Read whenever the window is used, as a
    /// deadline's is; one that cannot be decided yet (a fact not given)
    /// exists, so that no right to escalate is hidden for want of a fact.
    pub(crate) fn window_applies(
        &self,
        window: &crate::check::ir::Escalation,
        facts: Facts<'_>,
    ) -> bool {
        window
            .guard
            .as_ref()
            .is_none_or(|g| self.undenied(g, facts))
    }

    /// Whether a pause rule may be used on the day `paused` is recorded:
    /// its `when` holds, or it has none, or it cannot be decided yet.
    pub(crate) fn pause_applies(&self, pause: &crate::check::ir::Pause, facts: Facts<'_>) -> bool {
        pause.guard.as_ref().is_none_or(|g| self.undenied(g, facts))
    }

    /// Whether an optional guard holds (no guard always does).
    pub(crate) fn applies(
        &self,
        guard: &Option<Expr>,
        facts: Facts<'_>,
        needed_by: impl FnOnce() -> String,
    ) -> Result<bool, ReplayErrorKind> {
        match guard {
            Some(g) => self.holds(g, facts, &[], needed_by),
            None => Ok(true),
        }
    }
}

/// The case's facts as known at an event: those known before it, and the
/// ones the event itself makes known (which a guard on that very event
/// reads), without copying either.
#[derive(Clone, Copy)]
pub(crate) struct Facts<'s> {
    pub(crate) known: &'s [Option<Value>],
    pub(crate) learnt: &'s [(FactId, Value)],
    /// The dates guards read besides facts: `received`, `today`, `date of`.
    pub(crate) moment: Moment<'s>,
}

/// The days a guard can name: when the case was received, the day the rule
/// is applied, and when events happened in the current visit of the step.
#[derive(Clone, Copy, Default)]
pub(crate) struct Moment<'s> {
    pub(crate) received: Option<NaiveDate>,
    pub(crate) today: Option<NaiveDate>,
    /// The event being handled, which happens `today`.
    pub(crate) current: Option<EventId>,
    /// Events seen in the current visit, with their latest dates.
    pub(crate) seen: &'s [(EventId, NaiveDate)],
    /// The case has an outcome (`closed` in a guard).
    pub(crate) closed: bool,
    /// The current visit's unmet deadlines with their due dates, from the
    /// clock (see `decide::unmet_dues`), for `missed D`; `None` where the
    /// caller did not ask the clock, and `missed` is undecided.
    pub(crate) unmet: Option<&'s [(&'s str, NaiveDate)]>,
}

impl<'s> Moment<'s> {
    fn event_date(&self, event: EventId) -> Option<NaiveDate> {
        if self.current == Some(event) {
            return self.today;
        }
        self.seen
            .iter()
            .rev()
            .find(|(e, _)| *e == event)
            .map(|(_, on)| *on)
    }
}

impl<'s> Facts<'s> {
    pub(crate) fn known(known: &'s [Option<Value>]) -> Facts<'s> {
        Facts {
            known,
            learnt: &[],
            moment: Moment::default(),
        }
    }

    /// The same facts, with the days guards may read.
    pub(crate) fn at(self, moment: Moment<'s>) -> Facts<'s> {
        Facts { moment, ..self }
    }

    pub(crate) fn get(&self, fact: FactId) -> Option<&'s Value> {
        self.learnt
            .iter()
            .rev()
            .find(|(f, _)| *f == fact)
            .map(|(_, v)| v)
            .or_else(|| self.known.get(fact.index()).and_then(Option::as_ref))
    }
}

struct Guarded<'s, 'p> {
    facts: Facts<'s>,
    params: &'p [Option<Value>],
    calendar: &'p Calendar,
}

impl Env for Guarded<'_, '_> {
    fn fact(&self, fact: FactId) -> Option<Value> {
        self.facts.get(fact).cloned()
    }
    fn param(&self, index: u32) -> Option<Value> {
        self.params.get(index as usize).cloned().flatten()
    }
    fn received(&self) -> Option<NaiveDate> {
        self.facts.moment.received
    }
    fn today(&self) -> Option<NaiveDate> {
        self.facts.moment.today
    }
    fn event_date(&self, event: EventId) -> Option<NaiveDate> {
        self.facts.moment.event_date(event)
    }
    fn knows_events(&self) -> bool {
        true
    }
    fn closed(&self) -> Option<bool> {
        Some(self.facts.moment.closed)
    }
    fn missed(&self, deadline: &str) -> Option<bool> {
        let today = self.facts.moment.today?;
        Some(
            self.facts
                .moment
                .unmet?
                .iter()
                .any(|(name, due)| *name == deadline && *due < today),
        )
    }
    fn shift(&self, date: NaiveDate, amount: i64, unit: Unit) -> Option<NaiveDate> {
        shift_in(self.calendar, date, amount, unit)
    }
}

/// `date` moved by `amount` of `unit` in the case's calendar: the one
/// date arithmetic guards and anchors share with the clock.
pub(crate) fn shift_in(
    calendar: &Calendar,
    date: NaiveDate,
    amount: i64,
    unit: Unit,
) -> Option<NaiveDate> {
    match unit {
        Unit::WorkingDays => calendar.add_working_days(date, amount),
        Unit::Days => calendar.add_days(date, amount),
        Unit::Weeks => calendar.add_weeks(date, amount),
        Unit::Months => calendar.add_months(date, amount),
        Unit::Years => calendar.add_months(date, amount.saturating_mul(12)),
    }
    .ok()
}
