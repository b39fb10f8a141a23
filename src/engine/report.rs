//! The state of a case as of a date: what `redress run` prints and
//! `redress test` compares. The JSON form is documented in docs/cli.md.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::check::ir::{
    Anchor, Builtin, DurationSpec, Expr, Extension, OutcomeId, Route, RouteKind, RouteWindow, Step,
    Target, WindowAnchor,
};

use super::clock::{describe_ceiling, working_days_late, Clock, Due};
use super::decide::missing_tasks;
use super::state::{Phase, Visit};
use super::{Case, Engine};

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
    /// Soft deadlines (`or as soon as practicable`) met late by an event
    /// that recorded a reason: late, with reason, and not breaches.
    pub late_with_reason: Vec<Breach>,
    pub routes: Vec<RouteReport>,
    pub next: Vec<NextEvent>,
    /// Things the reader should know that do not stop the replay (a case
    /// received before the procedure's effective date).
    pub warnings: Vec<ReportWarning>,
    /// Who holds each role, where the case says (`people:`, or the person
    /// of the latest event made in the role); left out when none is known.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<PersonReport>,
    /// Referrals the case must make or has made (`refer to … immediately`),
    /// each with its due date; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referrals: Vec<ReferralReport>,
    /// Every track the case has started (`starts T`), running or done,
    /// with its due dates; left out when none has started.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<TrackReport>,
    /// How many started tracks are not done: a case whose main line has an
    /// outcome is fully closed only at 0. Left out when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub open_tracks: usize,
    /// Notices a rejection owes (`reject … requires notice`), sent or not,
    /// each with its due date; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices_owed: Vec<NoticeOwedReport>,
    /// How many of them are not sent: a case at its outcome is fully
    /// closed only at 0. Left out when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub open_notices: usize,
}

/// A notice a rejection owes, as of the report's date.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NoticeOwedReport {
    pub notice: String,
    pub title: Option<String>,
    /// The role it goes to.
    pub to: String,
    /// The role that sends it: the lead of the step whose rule owes it.
    pub by: String,
    /// That step.
    pub step: String,
    /// What it explains: `rejected` or `refused`.
    pub explains: &'static str,
    /// The day of the rejection.
    pub since: NaiveDate,
    /// `None` while a duration fact it counts is not given.
    pub due: Option<NaiveDate>,
    pub sent_on: Option<NaiveDate>,
    /// `due`, `overdue`, `sent` or `sent_late`.
    pub status: &'static str,
    /// Working days late: for one sent late, when it was sent; for one
    /// overdue, as of the report's date. Left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub late_working_days: Option<i64>,
    pub cite: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A track as of the report's date.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TrackReport {
    pub track: String,
    pub title: Option<String>,
    pub started: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// `running` or `done`.
    pub status: &'static str,
    pub deadlines: Vec<DeadlineReport>,
    pub tasks: Vec<TaskReport>,
}

impl Report {
    /// Closed with an outcome and every started track done.
    pub fn fully_closed(&self) -> bool {
        self.status == Status::Closed && self.open_tracks == 0 && self.open_notices == 0
    }
}

/// A referral duty as of the report's date.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReferralReport {
    pub body: String,
    pub title: String,
    /// The day its condition first held.
    pub since: NaiveDate,
    /// `None` while a duration fact it counts is not given.
    pub due: Option<NaiveDate>,
    pub made_on: Option<NaiveDate>,
    /// `due`, `overdue`, `made` or `made_late`.
    pub status: &'static str,
    pub cite: Vec<String>,
}

/// The person who holds a role in a case, or a panel's members.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PersonReport {
    pub role: String,
    /// The person; for a panel, its members in words ("A. Patel (chair),
    /// B. Khan, C. Ode").
    pub person: String,
    /// A panel's members (a role declared with `members`); left out for
    /// any other role.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// A panel's chair, when known; left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chair: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReportWarning {
    pub code: &'static str,
    pub message: String,
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
    /// Working days from the as-of date to the due date; when overdue, minus
    /// the working days late (the same figure as the breach's).
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
    /// For a soft deadline met late: the reason the late event recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RouteReport {
    pub body: String,
    pub title: String,
    /// `route` (open to the complainant) or `referral` (made at once).
    pub kind: &'static str,
    pub open: bool,
    /// Why it is not open, when it is not.
    pub why_not: Option<String>,
    /// Facts the route's condition needs that the case does not give.
    pub missing_facts: Vec<String>,
    pub cite: Vec<String>,
    /// `open`, `closed` (it was or could have been open, and no longer
    /// can be: the case closed, or its window ended) or `not yet open`.
    pub state: &'static str,
    /// When a route not yet open opens, where that is known now (the day
    /// after a deadline it waits on falls due unmet).
    pub opens: Option<NaiveDate>,
    /// When an open route closes (its window's last day), or when a closed
    /// one closed.
    pub closes: Option<NaiveDate>,
    /// Why it is in that state, in words: the deadlines it reads ("missed
    /// response: due 2026-04-27, not met"), its window, or why it is shut.
    pub because: String,
    /// For a route in an outcome's block, that outcome: the route is
    /// considered only once the case has closed with it. While the case
    /// is open the route is `not yet open`; a case closed with another
    /// outcome does not list it at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_outcome: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NextEvent {
    pub event: String,
    pub by: Option<String>,
    pub until: Option<NaiveDate>,
    /// `until` has passed.
    pub overdue: bool,
}

impl Breach {
    /// A breach of `name` due on `due`, as of `on` (when it was met, or the
    /// as-of date while it is still unmet).
    pub(crate) fn new(
        calendar: &Calendar,
        step: &Step,
        name: &str,
        due: NaiveDate,
        met_on: Option<NaiveDate>,
        on: NaiveDate,
        cites: &[String],
    ) -> Breach {
        Breach {
            step: step.name.clone(),
            deadline: name.to_string(),
            due,
            met_on,
            late_working_days: working_days_late(calendar, due, on),
            cite: cites.to_vec(),
            reason: None,
        }
    }
}

impl Engine<'_> {
    pub(super) fn report(&self, case: &Case, at: NaiveDate) -> Report {
        let mut breaches = self.state.breaches.clone();
        let (status, outcome, active) = match &self.state.phase {
            Phase::NotReceived => (Status::NotReceived, None, Vec::new()),
            Phase::Closed(closed) => {
                let o = &self.ctx.procedure.outcomes[closed.outcome.index()];
                (
                    Status::Closed,
                    Some(OutcomeReport {
                        name: o.name.clone(),
                        is_final: o.is_final,
                        text: o.text.clone(),
                        on: closed.on,
                    }),
                    Vec::new(),
                )
            }
            Phase::InStep(visit) => {
                let (active, open) = self.active_step(visit, at);
                breaches.extend(open);
                (Status::Open, None, vec![active])
            }
        };
        let next = self.next_events(&active, at);
        let referrals = self.referrals(at, &mut breaches);
        let tracks = self.tracks(at, &mut breaches);
        let open_tracks = tracks.iter().filter(|t| t.done_on.is_none()).count();
        let notices_owed = self.notices_owed(at, &mut breaches);
        let open_notices = notices_owed.iter().filter(|n| n.sent_on.is_none()).count();
        let routes = self.routes(at);
        let mut warnings = Vec::new();
        if let (Some(effective), Some(first)) = (self.ctx.procedure.effective, case.events.first())
        {
            if first.on < effective {
                warnings.push(ReportWarning {
                    code: "W0801",
                    message: format!(
                        "the case was received on {}, before the procedure took effect on {effective}",
                        first.on
                    ),
                });
            }
        }
        Report {
            case: case.id.clone(),
            procedure: ProcedureRef {
                id: self.ctx.procedure.id.clone(),
                version: self.ctx.procedure.version.clone(),
            },
            calendar: self.ctx.calendar.name().to_string(),
            as_of: at,
            status,
            outcome,
            active,
            timeline: self.log.entries.clone(),
            breaches,
            late_with_reason: self.state.late_with_reason.clone(),
            routes,
            next,
            warnings,
            people: super::people::holding(&self.ctx, &self.state)
                .into_iter()
                .map(|(role, who)| {
                    let role = &self.ctx.procedure.roles[role.index()];
                    let panel = role.panel.is_some();
                    PersonReport {
                        role: role.name.clone(),
                        person: who.words(),
                        members: if panel {
                            who.people.clone()
                        } else {
                            Vec::new()
                        },
                        chair: if panel { who.chair.clone() } else { None },
                    }
                })
                .collect(),
            referrals,
            tracks,
            open_tracks,
            notices_owed,
            open_notices,
        }
    }

    /// Each notice a rejection owes as of `at`; one unsent past its due
    /// date is also an open breach, like an overdue deadline.
    fn notices_owed(&self, at: NaiveDate, breaches: &mut Vec<Breach>) -> Vec<NoticeOwedReport> {
        let ctx = &self.ctx;
        self.state
            .owed
            .iter()
            .map(|o| {
                let sent = o.sent.filter(|s| *s <= at);
                let (status, late) = match (sent, o.due) {
                    (Some(s), Some(d)) if s > d => {
                        ("sent_late", Some(working_days_late(ctx.calendar, d, s)))
                    }
                    (Some(_), _) => ("sent", None),
                    (None, Some(d)) if at > d => {
                        breaches.push(super::notices::breach(ctx, o, d, None, at));
                        ("overdue", Some(working_days_late(ctx.calendar, d, at)))
                    }
                    (None, _) => ("due", None),
                };
                let notice = &ctx.procedure.notices[o.notice];
                let step = ctx.step(o.step);
                NoticeOwedReport {
                    notice: notice.name.clone(),
                    title: notice.title.clone(),
                    to: ctx.role_name(notice.to).to_string(),
                    by: ctx.role_name(step.lead).to_string(),
                    step: step.name.clone(),
                    explains: if o.refused { "refused" } else { "rejected" },
                    since: o.since,
                    due: o.due,
                    sent_on: sent,
                    status,
                    late_working_days: late,
                    cite: o.cites.clone(),
                }
            })
            .collect()
    }

    /// Each referral duty as of `at`; one unmade past its due date is also
    /// an open breach, like an overdue deadline.
    fn referrals(&self, at: NaiveDate, breaches: &mut Vec<Breach>) -> Vec<ReferralReport> {
        let ctx = &self.ctx;
        self.state
            .referrals
            .iter()
            .map(|r| {
                let made = r.made.filter(|m| *m <= at);
                let status = match (made, r.due) {
                    (Some(m), Some(d)) if m > d => "made_late",
                    (Some(_), _) => "made",
                    (None, Some(d)) if at > d => {
                        breaches.push(super::referrals::breach(ctx, r, d, None, at));
                        "overdue"
                    }
                    (None, _) => "due",
                };
                let body = &ctx.procedure.bodies[r.body.index()];
                ReferralReport {
                    body: body.name.clone(),
                    title: body.title.clone(),
                    since: r.since,
                    due: r.due,
                    made_on: made,
                    status,
                    cite: r.cites.clone(),
                }
            })
            .collect()
    }

    /// The active step, and the breaches still open in it as of `at`.
    fn active_step(&self, visit: &Visit, at: NaiveDate) -> (ActiveStep, Vec<Breach>) {
        let ctx = &self.ctx;
        let facts = self.facts_on(at);
        let step = ctx.step(visit.step);
        let paused_since = visit.paused.map(|p| p.0);
        let mut open = Vec::new();
        let mut deadlines = Vec::new();
        for (i, d) in step.deadlines.iter().enumerate() {
            if !ctx.deadline_applies(d, facts) {
                continue;
            }
            let clock = &visit.deadlines[i];
            let mut rule = crate::check::words::duration(ctx.procedure, d.duration);
            // A setting's value is the organisation's: the explanation says
            // it and where it came from, so the due date can be checked by
            // hand.
            if let crate::check::ir::DurationSpec::Fact(f) = d.duration {
                if let Some(words) = ctx.procedure.setting_words(f) {
                    rule = words;
                }
            }
            let anchor = match d.anchor {
                Anchor::Entry => format!("entry into {} on {}", step.name, visit.entered),
                Anchor::Event(e) => match clock.anchor {
                    Some(date) => format!("{} on {date}", ctx.event_name(e)),
                    None => format!("{} (not yet in this step)", ctx.event_name(e)),
                },
                dated => {
                    let words = crate::check::words::anchor(ctx.procedure, dated);
                    match ctx.date_anchor(dated, facts) {
                        Ok(date) => format!("{words} = {date}"),
                        Err(_) => format!("{words} (not known yet)"),
                    }
                }
            };
            let ceiling = match d.extension {
                Extension::UpTo(DurationSpec::Fixed { amount, unit }) => {
                    Some(describe_ceiling(amount, unit))
                }
                Extension::UpTo(DurationSpec::Fact(f)) => Some(
                    ctx.procedure
                        .setting_words(f)
                        .unwrap_or_else(|| format!("`{}`", ctx.fact_name(f))),
                ),
                _ => None,
            };
            let mut report = self.clock_report(&d.name, clock, at, paused_since, &d.cites);
            report.explanation =
                clock.explain(ctx, facts, &anchor, &rule, &d.cites, ceiling.as_deref());
            if report.overdue {
                if let Some(due) = report.due {
                    open.push(Breach::new(
                        ctx.calendar,
                        step,
                        &d.name,
                        due,
                        None,
                        at,
                        &d.cites,
                    ));
                }
            }
            deadlines.push(report);
        }
        let mut tasks = Vec::new();
        for (t, task) in step.tasks.iter().enumerate() {
            if !ctx.applies(&task.guard, facts, String::new).unwrap_or(true) {
                continue;
            }
            let clock = visit.task_clocks[t].as_ref();
            let due = clock.and_then(|c| c.due_as_of(ctx, facts, at, paused_since).ok()?.date());
            if let (Some(due), None) = (due, visit.task_done[t]) {
                if at > due {
                    open.push(Breach::new(
                        ctx.calendar,
                        step,
                        &task.name,
                        due,
                        None,
                        at,
                        &task.cites,
                    ));
                }
            }
            tasks.push(TaskReport {
                name: task.name.clone(),
                title: task.title.clone(),
                by: ctx.role_name(task.by.unwrap_or(step.lead)).to_string(),
                done: visit.task_done[t].is_some(),
                done_on: visit.task_done[t],
                required: step
                    .transitions
                    .iter()
                    .any(|tr| tr.requires.contains(&(t as u32))),
                due,
                cite: task.cites.clone(),
            });
        }
        let mut windows = Vec::new();
        // A window whose `when` is false for the case is not its to use.
        for e in step
            .escalations
            .iter()
            .filter(|e| ctx.window_applies(e, facts))
        {
            if let Ok(Some(closes)) = super::windows::close(ctx, facts, visit, e) {
                if closes >= at {
                    windows.push(WindowReport {
                        event: ctx.event_name(e.event).to_string(),
                        to: ctx.step(e.target).name.clone(),
                        by: e.by.map(|r| ctx.role_name(r).to_string()),
                        closes,
                        cite: e.cites.clone(),
                    });
                }
            }
        }
        let active = ActiveStep {
            step: step.name.clone(),
            title: step.title.clone(),
            lead: ctx.role_name(step.lead).to_string(),
            entered: visit.entered,
            paused_since,
            rejected: visit.rejected.and_then(|r| step.rejects[r].reason.clone()),
            deadlines,
            tasks,
            windows,
        };
        (active, open)
    }

    /// Each track run as of `at`, with its due dates explained; a running
    /// track's deadline or task past its due date is also an open breach.
    fn tracks(&self, at: NaiveDate, breaches: &mut Vec<Breach>) -> Vec<TrackReport> {
        let ctx = &self.ctx;
        let facts = self.facts_on(at);
        let mut out = Vec::new();
        for run in &self.state.tracks {
            let track = &ctx.procedure.tracks[run.track];
            let mut deadlines = Vec::new();
            for (i, d) in track.deadlines.iter().enumerate() {
                if !ctx.deadline_applies(d, facts) {
                    continue;
                }
                let clock = &run.deadlines[i];
                let rule = crate::check::words::duration(ctx.procedure, d.duration);
                let anchor = match d.anchor {
                    Anchor::Entry => format!("start of track {} on {}", track.name, run.started),
                    Anchor::Event(e) => match clock.anchor {
                        Some(date) => format!("{} on {date}", ctx.event_name(e)),
                        None => format!("{} (not yet in this track)", ctx.event_name(e)),
                    },
                    dated => {
                        let words = crate::check::words::anchor(ctx.procedure, dated);
                        match ctx.date_anchor(dated, facts) {
                            Ok(date) => format!("{words} = {date}"),
                            Err(_) => format!("{words} (not known yet)"),
                        }
                    }
                };
                let mut report = self.clock_report(&d.name, clock, at, None, &d.cites);
                report.explanation = clock.explain(ctx, facts, &anchor, &rule, &d.cites, None);
                if run.running() {
                    if let (true, Some(due)) = (report.overdue, report.due) {
                        breaches.push(super::tracks::breach(
                            ctx, track, &d.name, due, None, at, &d.cites,
                        ));
                    }
                } else {
                    report.overdue = false;
                    report.remaining_working_days = None;
                }
                deadlines.push(report);
            }
            let mut tasks = Vec::new();
            for (t, task) in track.tasks.iter().enumerate() {
                if !ctx.applies(&task.guard, facts, String::new).unwrap_or(true) {
                    continue;
                }
                let due = run.task_clocks[t]
                    .as_ref()
                    .and_then(|c| c.due(ctx, facts).ok()?.date());
                if let (Some(due), None, true) = (due, run.task_done[t], run.running()) {
                    if at > due {
                        breaches.push(super::tracks::breach(
                            ctx,
                            track,
                            &task.name,
                            due,
                            None,
                            at,
                            &task.cites,
                        ));
                    }
                }
                tasks.push(TaskReport {
                    name: task.name.clone(),
                    title: task.title.clone(),
                    by: task
                        .by
                        .map(|r| ctx.role_name(r).to_string())
                        .unwrap_or_default(),
                    done: run.task_done[t].is_some(),
                    done_on: run.task_done[t],
                    required: false,
                    due,
                    cite: task.cites.clone(),
                });
            }
            out.push(TrackReport {
                track: track.name.clone(),
                title: track.title.clone(),
                started: run.started,
                done_on: run.done,
                status: if run.running() { "running" } else { "done" },
                deadlines,
                tasks,
            });
        }
        out
    }

    /// A clock as of `at`: its due date (moved on while paused), whether it
    /// is overdue, and how many working days are left or late.
    fn clock_report(
        &self,
        name: &str,
        clock: &Clock,
        at: NaiveDate,
        paused_since: Option<chrono::NaiveDate>,
        cites: &[String],
    ) -> DeadlineReport {
        let due = clock
            .due_as_of(&self.ctx, self.facts(), at, paused_since)
            .ok()
            .and_then(Due::date);
        let overdue = clock.met.is_none() && due.is_some_and(|d| at > d);
        let remaining_working_days = match (clock.met, due) {
            (None, Some(d)) if overdue => Some(-working_days_late(self.ctx.calendar, d, at)),
            (None, Some(d)) => self.ctx.calendar.working_days_between(at, d).ok(),
            _ => None,
        };
        DeadlineReport {
            name: name.to_string(),
            due,
            remaining_working_days,
            overdue,
            met_on: clock.met,
            explanation: String::new(),
            cite: cites.to_vec(),
        }
    }

    /// Every route and referral: the procedure's own throughout the case,
    /// a step's while the case is in that step. Once the case has closed,
    /// none is open (and each says so) but those for after the outcome.
    /// An outcome's routes follow: while the case is open each is listed
    /// as not yet open, so that whoever decides the outcome sees what it
    /// opens; once it has closed, only its own outcome's are, since the
    /// others never apply to this case. Conditions are read on `at`, the
    /// report's as-of date, so that one reading `today` can be decided.
    fn routes(&self, at: NaiveDate) -> Vec<RouteReport> {
        let procedure = self.ctx.procedure;
        let (step_routes, closed) = match &self.state.phase {
            Phase::InStep(v) => (self.ctx.step(v.step).routes.as_slice(), None),
            Phase::Closed(c) => (
                c.last_step
                    .map(|s| self.ctx.step(s).routes.as_slice())
                    .unwrap_or(&[]),
                Some(c),
            ),
            Phase::NotReceived => (&[][..], None),
        };
        let on = closed.map(|c| c.on);
        let mut routes: Vec<RouteReport> = procedure
            .routes
            .iter()
            .chain(step_routes)
            .map(|route| self.route_report(route, on, at, None))
            .collect();
        for (i, outcome) in procedure.outcomes.iter().enumerate() {
            let this = OutcomeId(i as u32);
            for route in &outcome.routes {
                routes.push(match closed {
                    Some(c) if c.outcome == this => {
                        self.route_report(route, on, at, Some(&outcome.name))
                    }
                    Some(_) => continue,
                    None => self.before_outcome(route, &outcome.name),
                });
            }
        }
        routes
    }

    /// A route of an outcome's block while the case is open: not yet
    /// open, and only the outcome can open it, so its condition is not
    /// read.
    fn before_outcome(&self, route: &Route, outcome: &str) -> RouteReport {
        let body = &self.ctx.procedure.bodies[route.body.index()];
        let why = format!("only after the outcome `{outcome}`");
        RouteReport {
            body: body.name.clone(),
            title: body.title.clone(),
            kind: "route",
            open: false,
            why_not: Some(why.clone()),
            missing_facts: Vec::new(),
            cite: route.cites.clone(),
            state: "not yet open",
            opens: None,
            closes: None,
            because: why,
            after_outcome: Some(outcome.to_string()),
        }
    }

    /// `of_outcome`: the outcome the case closed with, for a route in its
    /// block.
    fn route_report(
        &self,
        route: &Route,
        closed: Option<NaiveDate>,
        at: NaiveDate,
        of_outcome: Option<&str>,
    ) -> RouteReport {
        let body = &self.ctx.procedure.bodies[route.body.index()];
        let unmet = super::decide::unmet_dues(&self.ctx, &self.state);
        let facts = self.facts_on(at);
        let facts = facts.at(super::context::Moment {
            unmet: Some(&unmet),
            ..facts.moment
        });
        let (holds, missing_facts) = match &route.guard {
            None => (true, Vec::new()),
            Some(g) => match self.ctx.holds(g, facts, &[], String::new) {
                Ok(b) => (b, Vec::new()),
                Err(_) => {
                    let mut inputs = Vec::new();
                    g.inputs(&mut inputs, &mut Vec::new());
                    let missing = inputs
                        .iter()
                        .filter(|f| facts.get(**f).is_none())
                        .map(|f| self.ctx.fact_name(*f).to_string())
                        .collect();
                    (false, missing)
                }
            },
        };
        // A route whose condition reads `closed`, or whose window counts
        // from it, is for after the outcome, as is every route of an
        // outcome's block (only asked about once the case has that
        // outcome); any other closes with the case.
        let after_outcome = of_outcome.is_some()
            || route.guard.as_ref().is_some_and(|g| g.reads_closed())
            || route
                .window
                .as_ref()
                .is_some_and(|w| w.anchor == WindowAnchor::Closed);
        let window = route
            .window
            .as_ref()
            .and_then(|w| self.window_end(w, closed, facts));
        let why_not = match (closed, holds) {
            _ if window.is_some_and(|(_, end)| at > end) => window.map(|(anchor, end)| {
                format!("its window ended on {end} (it counts from {anchor})")
            }),
            (Some(on), _) if !after_outcome => Some(format!("the case closed on {on}")),
            (_, false) if !missing_facts.is_empty() => {
                Some("the case does not give what its condition needs".to_string())
            }
            (_, false) => Some("its condition does not hold".to_string()),
            (_, true) => None,
        };
        let ended = window.filter(|(_, end)| at > *end).map(|(_, end)| end);
        let shut = ended.or(closed.filter(|_| !after_outcome));
        let state = match (&why_not, shut) {
            (None, _) => "open",
            (Some(_), Some(_)) => "closed",
            (Some(_), None) => "not yet open",
        };
        let closes = match state {
            "open" => window.map(|(_, end)| end),
            _ => shut,
        };
        // Known ahead only for a route waiting on one deadline alone.
        let opens = match (state, &route.guard) {
            ("not yet open", Some(Expr::Missed(d))) => unmet
                .iter()
                .find(|(n, _)| *n == d)
                .and_then(|(_, due)| due.succ_opt()),
            _ => None,
        };
        let mut because =
            vec![why_not
                .clone()
                .unwrap_or_else(|| match (of_outcome, &route.guard) {
                    (Some(o), None) => format!("the case closed with the outcome `{o}`"),
                    _ => "its condition holds".to_string(),
                })];
        if let Some(g) = &route.guard {
            because.extend(self.missed_words(g, &unmet, at));
        }
        if let (Some((anchor, end)), "open") = (window, state) {
            because.push(format!(
                "open until {end} (its window counts from {anchor})"
            ));
        }
        let because = because.join("; ");
        RouteReport {
            body: body.name.clone(),
            title: body.title.clone(),
            kind: match route.kind {
                RouteKind::Open => "route",
                RouteKind::Referral => "referral",
            },
            open: why_not.is_none(),
            state,
            opens,
            closes,
            because,
            why_not,
            missing_facts,
            cite: route.cites.clone(),
            after_outcome: of_outcome.map(str::to_string),
        }
    }

    /// The anchor's day and the last day of a route's window, once the
    /// anchor has happened (a window counting from `closed` has not begun
    /// while the case is open).
    fn window_end(
        &self,
        window: &RouteWindow,
        closed: Option<NaiveDate>,
        facts: super::context::Facts<'_>,
    ) -> Option<(NaiveDate, NaiveDate)> {
        let start = match window.anchor {
            WindowAnchor::Closed => closed?,
            WindowAnchor::Anchor(Anchor::Entry) => self.state.visit()?.entered,
            WindowAnchor::Anchor(Anchor::Event(e)) => {
                self.state.last_seen.get(e.index()).copied().flatten()?
            }
            WindowAnchor::Anchor(a) => self.ctx.date_anchor(a, facts).ok()?,
        };
        let (amount, unit) = super::clock::duration_of(window.duration, facts)?;
        let end = super::context::shift_in(self.ctx.calendar, start, i64::from(amount), unit)?;
        Some((start, end))
    }

    /// What `missed D` reads in a route's condition, in words, for its
    /// `because`: "missed response: due 2026-04-27, not met", or "response
    /// not missed yet (due 2026-04-27)".
    fn missed_words(
        &self,
        guard: &Expr,
        unmet: &[(&str, NaiveDate)],
        at: NaiveDate,
    ) -> Vec<String> {
        let mut names = Vec::new();
        guard.missed_deadlines(&mut names);
        names
            .into_iter()
            .map(|d| match unmet.iter().find(|(n, _)| *n == d) {
                Some((_, due)) if *due < at => format!("missed {d}: due {due}, not met"),
                Some((_, due)) => format!("{d} not missed yet (due {due})"),
                None => format!("{d} not missed"),
            })
            .collect()
    }

    /// What may happen next: the tasks not done, then the events that move
    /// the case and may happen now (their required tasks done), then the
    /// requests whose windows are open. A date already passed is marked.
    fn next_events(&self, active: &[ActiveStep], at: NaiveDate) -> Vec<NextEvent> {
        let Phase::InStep(visit) = &self.state.phase else {
            return Vec::new();
        };
        let Some(report) = active.first() else {
            return Vec::new();
        };
        let ctx = &self.ctx;
        let step = ctx.step(visit.step);
        let lead = ctx.role_name(step.lead).to_string();
        let entry = |event: String, by: Option<String>, until: Option<NaiveDate>| NextEvent {
            overdue: until.is_some_and(|u| at > u),
            event,
            by,
            until,
        };
        if visit.paused.is_some() {
            return vec![entry(Builtin::Resumed.name().into(), Some(lead), None)];
        }
        if visit.rejected.is_some() {
            return vec![entry(Builtin::Resubmitted.name().into(), None, None)];
        }
        let mut next = Vec::new();
        for task in report.tasks.iter().filter(|t| !t.done) {
            next.push(entry(task.name.clone(), Some(task.by.clone()), task.due));
        }
        let facts = self.facts_on(at);
        let mut seen: Vec<usize> = Vec::new();
        for t in &step.transitions {
            if seen.contains(&t.event.index()) || t.target == Target::Step(visit.step) {
                continue;
            }
            let ready = missing_tasks(ctx, facts, visit, step, &t.requires, None)
                .is_ok_and(|missing| missing.is_empty());
            if !ready {
                continue;
            }
            seen.push(t.event.index());
            let until = step
                .deadlines
                .iter()
                .filter(|d| ctx.deadline_applies(d, facts))
                .zip(&report.deadlines)
                .find(|(d, _)| d.met_by.contains(&t.event) || d.met_by.is_empty())
                .and_then(|(_, r)| r.due);
            next.push(entry(
                ctx.event_name(t.event).to_string(),
                Some(ctx.role_name(t.by.unwrap_or(step.lead)).to_string()),
                until,
            ));
        }
        for w in &report.windows {
            next.push(entry(w.event.clone(), w.by.clone(), Some(w.closes)));
        }
        next
    }
}
