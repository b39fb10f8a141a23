//! The clock: a time limit's due date with every pause and extension that
//! moved it, and how late it is. Replay, reports and simulation all ask
//! this module, so a due date or a lateness is computed in one place.

use chrono::{Datelike, NaiveDate};

use crate::calendar::Calendar;
use crate::check::describe_duration;
use crate::check::ir::{is_until, Anchor, DurationSpec, FactId, Unit, Value};

use super::context::{Ctx, Facts};
use super::error::ReplayErrorKind;

/// A time limit running in a step: a deadline, or a task's own. It keeps
/// its whole history so that its due date can be explained.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Clock {
    /// The day it counts from; `None` until its anchor happens.
    pub(crate) anchor: Option<NaiveDate>,
    pub(crate) duration: DurationSpec,
    /// Every extension, in the order they were agreed.
    pub(crate) extensions: Vec<Extended>,
    /// Every pause while the clock ran, as (paused, resumed).
    pub(crate) pauses: Vec<(NaiveDate, NaiveDate)>,
    pub(crate) met: Option<NaiveDate>,
    /// `beginning with`: the anchor day is the first day counted.
    pub(crate) beginning: bool,
    /// An anchor that is a date the case gives (a `date` fact or a date
    /// expression), worked out whenever the due date is asked for, so that
    /// a fact given later starts the clock.
    pub(crate) dated: Option<Anchor>,
}

/// One extension: agreed on a day, to a new due date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Extended {
    pub(crate) on: NaiveDate,
    pub(crate) until: NaiveDate,
    /// Who granted it, where the case says (`granted_by:`).
    pub(crate) granted_by: Option<crate::check::ir::RoleId>,
    /// Who agreed to it, where the case says (`agreed_by:`).
    pub(crate) agreed_by: Option<crate::check::ir::RoleId>,
    /// Why, where the case says (`reason:`).
    pub(crate) reason: Option<String>,
    /// Beyond a `without good reason` ceiling, allowed on its reason.
    pub(crate) beyond_usual: bool,
    /// Who was told before it (`with notice to`), the notice checked first.
    pub(crate) told: Option<crate::check::ir::RoleId>,
    /// Made after the due date it moved had passed (`even after expiry`).
    pub(crate) late_from: Option<NaiveDate>,
}

/// Where a clock's due date stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Due {
    /// Its anchor has not happened in this visit of the step.
    NotStarted,
    /// It counts a duration the case has not given yet (a `duration`
    /// fact): a fact is needed only when a rule first reads it.
    AwaitingFact(FactId),
    On(NaiveDate),
}

impl Due {
    pub(crate) fn date(self) -> Option<NaiveDate> {
        match self {
            Due::On(d) => Some(d),
            _ => None,
        }
    }
}

impl Clock {
    pub(crate) fn new(duration: DurationSpec, anchor: Option<NaiveDate>) -> Clock {
        Clock {
            anchor,
            duration,
            extensions: Vec::new(),
            pauses: Vec::new(),
            met: None,
            beginning: false,
            dated: None,
        }
    }

    /// The same clock, counted from `anchor` when it is a date the case
    /// gives rather than entry or an event.
    pub(crate) fn dated(self, anchor: Anchor) -> Clock {
        match anchor {
            Anchor::Fact(_) | Anchor::Date(_) => Clock {
                dated: Some(anchor),
                ..self
            },
            _ => self,
        }
    }

    /// The day the clock counts from: its anchor's date, or the date the
    /// case gives; `Err(Some(fact))` while a fact it needs is not given,
    /// `Err(None)` before an event it reads has happened.
    pub(crate) fn start(
        &self,
        ctx: &Ctx<'_>,
        facts: Facts<'_>,
    ) -> Result<NaiveDate, Option<FactId>> {
        match (self.anchor, self.dated) {
            (Some(a), _) => Ok(a),
            (None, Some(dated)) => ctx.date_anchor(dated, facts),
            (None, None) => Err(None),
        }
    }

    /// The same clock, counting its anchor day when `beginning`.
    pub(crate) fn beginning_with(self, beginning: bool) -> Clock {
        Clock { beginning, ..self }
    }

    /// The unit the clock counts in, once its duration is known. Pauses
    /// move a due date in the same unit.
    fn unit(&self, facts: Facts<'_>) -> Option<Unit> {
        duration_of(self.duration, facts).map(|(_, unit)| unit)
    }

    /// The anchor plus the rule's duration, before pauses and extensions.
    pub(crate) fn rule_due(&self, ctx: &Ctx<'_>, facts: Facts<'_>) -> Result<Due, ReplayErrorKind> {
        let anchor = match self.start(ctx, facts) {
            Ok(a) => a,
            Err(Some(fact)) => return Ok(Due::AwaitingFact(fact)),
            Err(None) => return Ok(Due::NotStarted),
        };
        let Some((amount, unit)) = duration_of(self.duration, facts) else {
            return Ok(match self.duration {
                DurationSpec::Fact(f) => Due::AwaitingFact(f),
                DurationSpec::Fixed { .. } => Due::NotStarted,
            });
        };
        let counted = count(ctx, anchor, amount, unit, self.beginning)?;
        suspended(ctx, anchor, counted, unit).map(|(due, _)| Due::On(due))
    }

    /// The due date with every pause and extension applied: the last
    /// extension sets a date, which only the pauses after it move.
    pub(crate) fn due(&self, ctx: &Ctx<'_>, facts: Facts<'_>) -> Result<Due, ReplayErrorKind> {
        let base = match self.extensions.last() {
            Some(last) => last.until,
            None => match self.rule_due(ctx, facts)? {
                Due::On(d) => d,
                other => return Ok(other),
            },
        };
        let after = self.extensions.last().map_or(0, |last| {
            self.pauses.partition_point(|(from, _)| *from < last.on)
        });
        let unit = self.unit(facts).unwrap_or(Unit::Days);
        let mut due = base;
        for (from, to) in &self.pauses[after..] {
            due = ctx.add(due, pause_length(ctx.calendar, *from, *to, unit)?, unit)?;
        }
        Ok(Due::On(due))
    }

    /// The due date as of `at`: while the clock is stopped by a pause that
    /// began on `paused_since`, the date moves on by the time paused so far.
    pub(crate) fn due_as_of(
        &self,
        ctx: &Ctx<'_>,
        facts: Facts<'_>,
        at: NaiveDate,
        paused_since: Option<NaiveDate>,
    ) -> Result<Due, ReplayErrorKind> {
        let due = self.due(ctx, facts)?;
        match (due, paused_since, self.met, self.unit(facts)) {
            (Due::On(d), Some(since), None, Some(unit)) if at > since => {
                let shift = pause_length(ctx.calendar, since, at, unit)?;
                ctx.add(d, shift, unit).map(Due::On)
            }
            _ => Ok(due),
        }
    }

    /// The latest date an extension may reach under a ceiling of
    /// `amount unit` from the anchor; time paused does not count against it.
    pub(crate) fn ceiling(
        &self,
        ctx: &Ctx<'_>,
        facts: Facts<'_>,
        amount: u32,
        unit: Unit,
    ) -> Result<Option<NaiveDate>, ReplayErrorKind> {
        let Ok(anchor) = self.start(ctx, facts) else {
            return Ok(None);
        };
        let own_unit = self.unit(facts).unwrap_or(unit);
        let mut limit = count(ctx, anchor, amount, unit, self.beginning)?;
        for (from, to) in &self.pauses {
            limit = ctx.add(
                limit,
                pause_length(ctx.calendar, *from, *to, own_unit)?,
                own_unit,
            )?;
        }
        Ok(Some(limit))
    }

    /// "entry into step1 on 2026-12-18 + 20 working days (2.1); skipped
    /// Christmas Day, … → 2027-01-20", then every pause and extension, in
    /// the order they happened, each with the date it led to.
    pub(crate) fn explain(
        &self,
        ctx: &Ctx<'_>,
        facts: Facts<'_>,
        anchor: &str,
        rule: &str,
        cites: &[String],
        ceiling: Option<&str>,
    ) -> String {
        let cite = if cites.is_empty() {
            String::new()
        } else {
            format!(" ({})", cites.join(", "))
        };
        let start = self.start(ctx, facts).ok();
        let mut text = if is_until(self.duration, self.dated.unwrap_or(Anchor::Entry)) {
            format!("until {anchor}{cite}")
        } else if self.beginning {
            format!("{rule} beginning with {anchor}{cite}")
        } else {
            format!("{anchor} + {rule}{cite}")
        };
        let rule_due = match self.rule_due(ctx, facts) {
            Ok(Due::On(d)) => d,
            Ok(Due::NotStarted) => return format!("{text}; not started"),
            Ok(Due::AwaitingFact(f)) => {
                let what = match self.duration {
                    DurationSpec::Fact(d) if d == f => "the duration",
                    _ => "the date",
                };
                return format!("{text}; not known until the case gives {what}");
            }
            Err(e) => return format!("{text}; {e}"),
        };
        let unit = self.unit(facts).unwrap_or(Unit::Days);
        if let (Unit::WorkingDays, Some(from)) = (unit, start) {
            // A closure period is named once, with the working days it took.
            let mut skipped: Vec<(&str, u32)> = Vec::new();
            for h in ctx
                .calendar
                .closures_between(from + chrono::Duration::days(1), rule_due)
                .iter()
                .filter(|h| !ctx.calendar.weekend().contains(h.date.weekday()))
            {
                match skipped.last_mut() {
                    Some((title, n)) if *title == h.title => *n += 1,
                    _ => skipped.push((&h.title, 1)),
                }
            }
            if !skipped.is_empty() {
                let named: Vec<String> = skipped
                    .iter()
                    .map(|(title, n)| match n {
                        1 => title.to_string(),
                        n => format!("{title} ({n} working days)"),
                    })
                    .collect();
                text.push_str(&format!("; skipped {}", named.join(", ")));
            }
        }
        let counted = start
            .zip(duration_of(self.duration, facts))
            .and_then(|(a, (n, u))| count(ctx, a, n, u, self.beginning).ok())
            .unwrap_or(rule_due);
        text.push_str(&format!(" → {counted}"));
        if counted != rule_due {
            let periods: Vec<String> = ctx
                .calendar
                .closure_periods()
                .iter()
                .filter(|p| start.is_some_and(|a| p.days_within(a, rule_due) > 0))
                .map(|p| format!("{} ({} to {})", p.title, p.from, p.to))
                .collect();
            let extra = (rule_due - counted).num_days();
            text.push_str(&format!(
                "; suspended during {}, +{} → {rule_due}",
                periods.join(", "),
                plural_unit(extra, "day", "days")
            ));
        }

        // Pauses and extensions in date order; an extension agreed on the
        // day a pause began comes first, as `due` counts it.
        enum Change {
            Pause(NaiveDate, NaiveDate),
            Extension(Extended),
        }
        let mut changes: Vec<(NaiveDate, u8, Change)> = self
            .pauses
            .iter()
            .map(|(from, to)| (*from, 1, Change::Pause(*from, *to)))
            .chain(
                self.extensions
                    .iter()
                    .map(|e| (e.on, 0, Change::Extension(e.clone()))),
            )
            .collect();
        changes.sort_by_key(|(on, order, _)| (*on, *order));
        let mut due = rule_due;
        for (_, _, change) in changes {
            match change {
                Change::Pause(from, to) => {
                    let shift = pause_length(ctx.calendar, from, to, unit).unwrap_or(0);
                    due = ctx.add(due, shift, unit).unwrap_or(due);
                    let unit_words = if unit == Unit::WorkingDays {
                        plural_unit(shift, "working day", "working days")
                    } else {
                        plural_unit(shift, "day", "days")
                    };
                    text.push_str(&format!("; paused {from} to {to}, +{unit_words} → {due}"));
                }
                Change::Extension(e) => {
                    if let Some(passed) = e.late_from {
                        text.push_str(&format!("; passed on {passed} unmet"));
                    }
                    let how = match ceiling {
                        Some(c) if e.beyond_usual => format!(", beyond the usual limit of {c}"),
                        Some(c) => format!(", within the ceiling of {c}"),
                        None => " by agreement".to_string(),
                    };
                    due = e.until;
                    let mut who = e
                        .granted_by
                        .map(|r| format!(", granted by {}", ctx.role_name(r)))
                        .unwrap_or_default();
                    if let Some(r) = e.agreed_by {
                        who.push_str(&format!(", agreed by {}", ctx.role_name(r)));
                    }
                    if let Some(r) = e.told {
                        who.push_str(&format!(", with notice to {}", ctx.role_name(r)));
                    }
                    if let Some(why) = &e.reason {
                        who.push_str(&format!(", because {why}"));
                    }
                    let late = if e.late_from.is_some() { " late" } else { "" };
                    text.push_str(&format!(
                        "; extended{late} on {}{how}{who} → {}",
                        e.on, e.until
                    ));
                }
            }
        }
        text
    }
}

/// The last day of `amount unit` counted from `anchor`. From an anchor
/// (`from`), the anchor day is never counted. Beginning with it, the
/// anchor day is the first day: a calendar period ends the day before it
/// would from the anchor (6 months beginning with 2 March ends on
/// 1 September), and in working days the anchor is day 1 when it is a
/// working day (counting from the day before it).
pub(crate) fn count(
    ctx: &Ctx<'_>,
    anchor: NaiveDate,
    amount: u32,
    unit: Unit,
    beginning: bool,
) -> Result<NaiveDate, ReplayErrorKind> {
    let day = chrono::Days::new(1);
    if !beginning {
        return ctx.add(anchor, i64::from(amount), unit);
    }
    let out_of_range = || ReplayErrorKind::DateOutOfRange {
        message: format!("{anchor} is outside the dates redress can count"),
    };
    match unit {
        Unit::WorkingDays => {
            let before = anchor.checked_sub_days(day).ok_or_else(out_of_range)?;
            ctx.add(before, i64::from(amount), unit)
        }
        _ => ctx
            .add(anchor, i64::from(amount), unit)?
            .checked_sub_days(day)
            .ok_or_else(out_of_range),
    }
}

pub(crate) fn plural_unit(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A due date in calendar time moved on by the closure periods it spans
/// ("timescales suspended"), and how many days they added. A period that
/// the extra days reach into counts too. Working days need no moving:
/// a closure period's days are not working days.
fn suspended(
    ctx: &Ctx<'_>,
    anchor: NaiveDate,
    counted: NaiveDate,
    unit: Unit,
) -> Result<(NaiveDate, i64), ReplayErrorKind> {
    let periods = ctx.calendar.closure_periods();
    if unit == Unit::WorkingDays || periods.is_empty() {
        return Ok((counted, 0));
    }
    let mut due = counted;
    loop {
        let extra: i64 = periods.iter().map(|p| p.days_within(anchor, due)).sum();
        let next = ctx.add(counted, extra, Unit::Days)?;
        if next == due {
            return Ok((due, extra));
        }
        due = next;
    }
}

/// A duration: fixed, or a `duration` fact's value once the case gives it.
pub(crate) fn duration_of(spec: DurationSpec, facts: Facts<'_>) -> Option<(u32, Unit)> {
    match spec {
        DurationSpec::Fixed { amount, unit } => Some((amount, unit)),
        DurationSpec::Fact(f) => match facts.get(f) {
            Some(Value::Duration(amount, unit)) => Some((*amount, *unit)),
            _ => None,
        },
    }
}

/// How long a pause lasted, in the unit of the clock it stopped: working
/// days for a working-day clock, calendar days for any other.
fn pause_length(
    calendar: &Calendar,
    from: NaiveDate,
    to: NaiveDate,
    unit: Unit,
) -> Result<i64, ReplayErrorKind> {
    match unit {
        Unit::WorkingDays => calendar
            .working_days_between(from, to)
            .map_err(super::context::calendar_error),
        _ => Ok((to - from).num_days()),
    }
}

/// How many working days late something is on `on` when it was due on
/// `due`: the working days after the due date up to and including `on`.
/// The due date itself never counts; `on` counts when it is a working day,
/// so a report as of a Sunday counts to the Friday before. Zero when not
/// late. Every "late" and "overdue" figure redress prints comes from here.
pub fn working_days_late(calendar: &Calendar, due: NaiveDate, on: NaiveDate) -> i64 {
    if on <= due {
        return 0;
    }
    calendar.working_days_between(due, on).unwrap_or(0).max(0)
}

/// How a ceiling reads in an explanation.
pub(crate) fn describe_ceiling(amount: u32, unit: Unit) -> String {
    describe_duration(amount, unit)
}

/// When a referral is due: the day its condition first held for
/// `immediately`, else that day plus its duration in the case's calendar
/// (the day itself not counted). `None` while a duration fact is not given.
pub(crate) fn referral_due(
    ctx: &Ctx<'_>,
    facts: Facts<'_>,
    since: NaiveDate,
    due: crate::check::ir::ReferralDue,
) -> Result<Option<NaiveDate>, ReplayErrorKind> {
    match due {
        crate::check::ir::ReferralDue::Immediately => Ok(Some(since)),
        crate::check::ir::ReferralDue::Within(spec) => match duration_of(spec, facts) {
            Some((amount, unit)) => ctx.add(since, i64::from(amount), unit).map(Some),
            None => Ok(None),
        },
    }
}
