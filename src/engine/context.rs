//! What every part of the engine reads and never changes: the compiled
//! procedure, the calendar, and the case's facts as a guard sees them.

use chrono::NaiveDate;

use crate::calendar::{Calendar, CalendarError};
use crate::check::ir::{Env, EventId, Expr, FactId, Procedure, RoleId, Step, StepId, Unit, Value};

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
        let env = Guarded { facts, params };
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

    /// Whether a deadline applies to the case now: its `when` holds, or it
    /// has none. One whose condition cannot be decided yet (a fact not
    /// given) applies, so that no time limit is hidden for want of a fact.
    pub(crate) fn deadline_applies(
        &self,
        deadline: &crate::check::ir::Deadline,
        facts: Facts<'_>,
    ) -> bool {
        deadline
            .guard
            .as_ref()
            .is_none_or(|g| g.holds(&Guarded { facts, params: &[] }) != Some(false))
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
}

impl<'s> Facts<'s> {
    pub(crate) fn known(known: &'s [Option<Value>]) -> Facts<'s> {
        Facts { known, learnt: &[] }
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
}

impl Env for Guarded<'_, '_> {
    fn fact(&self, fact: FactId) -> Option<Value> {
        self.facts.get(fact).cloned()
    }
    fn param(&self, index: u32) -> Option<Value> {
        self.params.get(index as usize).cloned().flatten()
    }
}
