//! The state of a case as of a date: what `redress run` prints and
//! `redress test` compares. The JSON form is documented in docs/cli.md.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::check::describe_duration;
use crate::check::ir::{Anchor, Extension, Route, RouteKind, Step, Target};

use super::{Case, Clock, Engine, Phase, NO_PARAMS};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Report {
    pub case: String,
    pub procedure: ProcedureRef,
    pub calendar: String,
    pub as_of: NaiveDate,
    pub status: Status,
    pub outcome: Option<OutcomeReport>,
    pub active: Vec<ActiveStep>,
    pub timeline: Vec<TimelineEntry>,
    pub breaches: Vec<Breach>,
    pub routes: Vec<RouteReport>,
    pub next: Vec<NextEvent>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProcedureRef {
    pub id: String,
    pub version: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// No `received` event yet as of the date.
    NotReceived,
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotReceived => "notreceived",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct OutcomeReport {
    pub name: String,
    #[serde(rename = "final")]
    pub is_final: bool,
    pub text: Option<String>,
    pub on: NaiveDate,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ActiveStep {
    pub step: String,
    pub title: Option<String>,
    pub lead: String,
    pub entered: NaiveDate,
    /// The date the clocks stopped, while paused.
    pub paused_since: Option<NaiveDate>,
    /// Why the complaint was turned away, while awaiting resubmission.
    pub rejected: Option<String>,
    pub deadlines: Vec<DeadlineReport>,
    pub tasks: Vec<TaskReport>,
    pub windows: Vec<WindowReport>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DeadlineReport {
    pub name: String,
    /// `None` until its anchor event happens.
    pub due: Option<NaiveDate>,
    /// Working days from the as-of date to the due date; negative when overdue.
    pub remaining_working_days: Option<i64>,
    pub overdue: bool,
    pub met_on: Option<NaiveDate>,
    /// How the due date was reached, in words.
    pub explanation: String,
    pub cite: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TaskReport {
    pub name: String,
    pub title: Option<String>,
    pub by: String,
    pub done: bool,
    pub done_on: Option<NaiveDate>,
    /// Whether a transition out of the step requires it.
    pub required: bool,
    pub due: Option<NaiveDate>,
    pub cite: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct WindowReport {
    pub event: String,
    pub to: String,
    pub by: Option<String>,
    pub closes: NaiveDate,
    pub cite: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TimelineEntry {
    pub on: NaiveDate,
    pub event: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Made by the procedure itself (a window closing, a refusal), not by
    /// an event in the case.
    pub automatic: bool,
    pub cite: Vec<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Breach {
    pub step: String,
    pub deadline: String,
    pub due: NaiveDate,
    /// When it was met late; `None` while it is still unmet.
    pub met_on: Option<NaiveDate>,
    pub late_working_days: i64,
    pub cite: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RouteReport {
    pub body: String,
    pub title: String,
    /// `route` (open to the complainant) or `referral` (made at once).
    pub kind: &'static str,
    pub open: bool,
    /// Facts the route's condition needs that the case does not give.
    pub missing_facts: Vec<String>,
    pub cite: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NextEvent {
    pub event: String,
    pub by: Option<String>,
    pub until: Option<NaiveDate>,
}

impl Engine<'_> {
    pub(super) fn report(&self, case: &Case, at: NaiveDate) -> Report {
        let mut breaches = self.breaches.clone();
        let (status, outcome, active, last_step) = match &self.phase {
            Phase::NotReceived => (Status::NotReceived, None, Vec::new(), None),
            Phase::Closed {
                outcome,
                is_final,
                text,
                on,
                last_step,
            } => (
                Status::Closed,
                Some(OutcomeReport {
                    name: outcome.clone(),
                    is_final: *is_final,
                    text: text.clone(),
                    on: *on,
                }),
                Vec::new(),
                *last_step,
            ),
            Phase::InStep(a) => {
                let step = self.step(a.step);
                let mut deadlines = Vec::new();
                for (i, d) in step.deadlines.iter().enumerate() {
                    let report = self.deadline_report(
                        &d.name,
                        &a.deadlines[i],
                        at,
                        a.paused.map(|p| p.0),
                        &d.cites,
                    );
                    let rule = crate::check::words::duration(self.procedure, d.duration);
                    let anchor = match d.anchor {
                        Anchor::Entry => format!("entry into {} on {}", step.name, a.entered),
                        Anchor::Event(e) => match a.deadlines[i].anchor {
                            Some(date) => format!("{} on {date}", self.event_name(e)),
                            None => format!("{} (not yet)", self.event_name(e)),
                        },
                    };
                    let mut report = report;
                    report.explanation =
                        self.explain(&anchor, &rule, &a.deadlines[i], &d.cites, &d.extension);
                    if report.overdue {
                        breaches.push(self.open_breach(step, &report, at));
                    }
                    deadlines.push(report);
                }
                let mut tasks = Vec::new();
                for (t, task) in step.tasks.iter().enumerate() {
                    if !self
                        .applies(&task.guard, super::Need::Task(&task.name))
                        .unwrap_or(true)
                    {
                        continue;
                    }
                    let due = a.task_clocks[t].as_ref().and_then(|c| self.due(c));
                    if let (Some(due), None) = (due, a.task_done[t]) {
                        if at > due {
                            let report = DeadlineReport {
                                name: task.name.clone(),
                                due: Some(due),
                                remaining_working_days: None,
                                overdue: true,
                                met_on: None,
                                explanation: String::new(),
                                cite: task.cites.clone(),
                            };
                            breaches.push(self.open_breach(step, &report, at));
                        }
                    }
                    tasks.push(TaskReport {
                        name: task.name.clone(),
                        title: task.title.clone(),
                        by: self.role_name(task.by.unwrap_or(step.lead)).to_string(),
                        done: a.task_done[t].is_some(),
                        done_on: a.task_done[t],
                        required: step
                            .transitions
                            .iter()
                            .any(|tr| tr.requires.contains(&(t as u32))),
                        due,
                        cite: task.cites.clone(),
                    });
                }
                let mut windows = Vec::new();
                for e in &step.escalations {
                    if let Ok(Some(closes)) =
                        self.window_close(e.within, e.anchor, a.entered, self.event_name(e.event))
                    {
                        if closes >= at {
                            windows.push(WindowReport {
                                event: self.event_name(e.event).to_string(),
                                to: self.step(e.target).name.clone(),
                                by: e.by.map(|r| self.role_name(r).to_string()),
                                closes,
                                cite: e.cites.clone(),
                            });
                        }
                    }
                }
                let active = ActiveStep {
                    step: step.name.clone(),
                    title: step.title.clone(),
                    lead: self.role_name(step.lead).to_string(),
                    entered: a.entered,
                    paused_since: a.paused.map(|p| p.0),
                    rejected: a.rejected.and_then(|r| step.rejects[r].reason.clone()),
                    deadlines,
                    tasks,
                    windows,
                };
                (Status::Open, None, vec![active], Some(a.step))
            }
        };
        let next = self.next_events(&active);
        let mut routes = Vec::new();
        let step_routes = last_step
            .map(|s| self.step(s).routes.as_slice())
            .unwrap_or(&[]);
        for route in self.procedure.routes.iter().chain(step_routes) {
            routes.push(self.route_report(route));
        }
        Report {
            case: case.id.clone(),
            procedure: ProcedureRef {
                id: self.procedure.id.clone(),
                version: self.procedure.version.clone(),
            },
            calendar: self.calendar.name().to_string(),
            as_of: at,
            status,
            outcome,
            active,
            timeline: self.timeline.clone(),
            breaches,
            routes,
            next,
        }
    }

    fn open_breach(&self, step: &Step, deadline: &DeadlineReport, at: NaiveDate) -> Breach {
        let due = deadline.due.unwrap_or(at);
        Breach {
            step: step.name.clone(),
            deadline: deadline.name.clone(),
            due,
            met_on: None,
            late_working_days: self.calendar.working_days_between(due, at).unwrap_or(0),
            cite: deadline.cite.clone(),
        }
    }

    fn deadline_report(
        &self,
        name: &str,
        clock: &Clock,
        at: NaiveDate,
        paused_since: Option<NaiveDate>,
        cites: &[String],
    ) -> DeadlineReport {
        let mut due = self.due(clock);
        // While paused, the clock is stopped: the due date is provisional,
        // moved by the time paused so far.
        if let (Some(since), Some(d)) = (paused_since, due) {
            if clock.met.is_none() {
                let shift = match clock.unit {
                    crate::check::ir::Unit::WorkingDays => {
                        self.calendar.working_days_between(since, at).unwrap_or(0)
                    }
                    _ => (at - since).num_days(),
                };
                due = self.add(d, shift.max(0), clock.unit).ok();
            }
        }
        let overdue = clock.met.is_none() && due.is_some_and(|d| at > d);
        DeadlineReport {
            name: name.to_string(),
            due,
            remaining_working_days: match (clock.met, due) {
                (None, Some(d)) => self.calendar.working_days_between(at, d).ok(),
                _ => None,
            },
            overdue,
            met_on: clock.met,
            explanation: String::new(),
            cite: cites.to_vec(),
        }
    }

    /// "entry into step1 on 2026-12-18 + 20 working days (2.1); skipped
    /// Christmas Day, Boxing Day (substitute day), New Year's Day →
    /// 2027-01-20", then each pause and extension in order.
    fn explain(
        &self,
        anchor: &str,
        rule: &str,
        clock: &Clock,
        cites: &[String],
        extension: &Extension,
    ) -> String {
        let cite = if cites.is_empty() {
            String::new()
        } else {
            format!(" ({})", cites.join(", "))
        };
        let mut text = format!("{anchor} + {rule}{cite}");
        let (Some(from), Some(rule_due)) = (clock.anchor, clock.rule_due) else {
            return format!("{text}; not started");
        };
        if clock.unit == crate::check::ir::Unit::WorkingDays {
            let skipped: Vec<&str> = self
                .calendar
                .closures_between(from + chrono::Duration::days(1), rule_due)
                .iter()
                .filter(|h| !self.calendar.weekend().contains(h.date.weekday()))
                .map(|h| h.title.as_str())
                .collect();
            if !skipped.is_empty() {
                text.push_str(&format!("; skipped {}", skipped.join(", ")));
            }
        }
        text.push_str(&format!(" → {rule_due}"));
        let mut due = rule_due;
        let mut steps: Vec<(NaiveDate, Option<(NaiveDate, NaiveDate)>)> =
            clock.pauses.iter().map(|p| (p.0, Some(*p))).collect();
        if let Some((on, _)) = clock.extended {
            steps.push((on, None));
        }
        steps.sort_by_key(|s| s.0);
        for (_, pause) in steps {
            match pause {
                Some((p_from, p_to)) => {
                    let (shift, unit) = match clock.unit {
                        crate::check::ir::Unit::WorkingDays => (
                            self.calendar
                                .working_days_between(p_from, p_to)
                                .unwrap_or(0),
                            "working days",
                        ),
                        _ => ((p_to - p_from).num_days(), "days"),
                    };
                    due = self.add(due, shift, clock.unit).unwrap_or(due);
                    text.push_str(&format!(
                        "; paused {p_from} to {p_to}, +{shift} {unit} → {due}"
                    ));
                }
                None => {
                    if let Some((on, until)) = clock.extended {
                        let limit = match extension {
                            Extension::UpTo(crate::check::ir::DurationSpec::Fixed {
                                amount,
                                unit,
                            }) => {
                                format!(
                                    ", within the ceiling of {}",
                                    describe_duration(*amount, *unit)
                                )
                            }
                            _ => " by agreement".to_string(),
                        };
                        due = until;
                        text.push_str(&format!("; extended on {on}{limit} → {until}"));
                    }
                }
            }
        }
        text
    }

    fn route_report(&self, route: &Route) -> RouteReport {
        let body = &self.procedure.bodies[route.body.index()];
        let (open, missing_facts) = match &route.guard {
            None => (true, Vec::new()),
            Some(g) => match self.holds(g, NO_PARAMS, super::Need::Route) {
                Ok(b) => (b, Vec::new()),
                Err(_) => {
                    let mut facts = Vec::new();
                    g.inputs(&mut facts, &mut Vec::new());
                    let missing = facts
                        .iter()
                        .filter(|f| self.facts.get(f.index()).cloned().flatten().is_none())
                        .map(|f| self.procedure.facts[f.index()].name.clone())
                        .collect();
                    (false, missing)
                }
            },
        };
        RouteReport {
            body: body.name.clone(),
            title: body.title.clone(),
            kind: match route.kind {
                RouteKind::Open => "route",
                RouteKind::Referral => "referral",
            },
            open,
            missing_facts,
            cite: route.cites.clone(),
        }
    }

    fn next_events(&self, active: &[ActiveStep]) -> Vec<NextEvent> {
        let Phase::InStep(a) = &self.phase else {
            return Vec::new();
        };
        let Some(report) = active.first() else {
            return Vec::new();
        };
        let step = self.step(a.step);
        let lead = self.role_name(step.lead).to_string();
        if a.paused.is_some() {
            return vec![NextEvent {
                event: "resumed".into(),
                by: Some(lead),
                until: None,
            }];
        }
        if a.rejected.is_some() {
            return vec![NextEvent {
                event: "resubmitted".into(),
                by: None,
                until: None,
            }];
        }
        let mut next = Vec::new();
        for task in report.tasks.iter().filter(|t| !t.done) {
            next.push(NextEvent {
                event: task.name.clone(),
                by: Some(task.by.clone()),
                until: task.due,
            });
        }
        let mut seen: Vec<usize> = Vec::new();
        for t in &step.transitions {
            if seen.contains(&t.event.index()) || t.target == Target::Step(a.step) {
                continue;
            }
            seen.push(t.event.index());
            let until = step
                .deadlines
                .iter()
                .zip(&report.deadlines)
                .find(|(d, _)| d.met_by.contains(&t.event) || d.met_by.is_empty())
                .and_then(|(_, r)| r.due);
            next.push(NextEvent {
                event: self.event_name(t.event).to_string(),
                by: Some(self.role_name(t.by.unwrap_or(step.lead)).to_string()),
                until,
            });
        }
        for w in &report.windows {
            next.push(NextEvent {
                event: w.event.clone(),
                by: w.by.clone(),
                until: Some(w.closes),
            });
        }
        next
    }
}
