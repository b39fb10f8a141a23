//! A team's cases as of a date: each replayed case's [`Report`] sorted into
//! the sections a case handler works through in the morning (overdue, due
//! soon, escalation windows closing, referrals outstanding, cases that
//! stopped replaying, cases closed lately), and grouped by lead, person or
//! step. `redress status` prints a [`Caseload`]; the renderers are in
//! `report::status`.
//!
//! Nothing here computes a due date: every date and lateness figure is the
//! engine's ([`Report`], [`working_days_late`]); the calendar is asked only
//! how many working days lie between the as-of date and a date the report
//! gave.

mod error;

pub use error::CaseloadError;

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::engine::{working_days_late, Report, Status};

/// Where a case came from: its file, and the line its document starts on
/// (1 for a file holding one case).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    pub file: String,
    pub line: usize,
}

/// The sections a [`Caseload`] has, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// A deadline or task whose due date has passed.
    Overdue,
    /// A deadline or task due within the chosen number of working days.
    Due,
    /// An escalation window that closes within that many working days.
    WindowsClosing,
    /// A referral the procedure makes at once, a task with no due date
    /// that no move waits for (a notice), not yet done, or a notice a
    /// rejection owes, not yet sent nor overdue.
    Outstanding,
    /// Closed within that many working days before the as-of date.
    Closed,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::Overdue,
        Section::Due,
        Section::WindowsClosing,
        Section::Outstanding,
        Section::Closed,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Overdue => "Overdue",
            Section::Due => "Due soon",
            Section::WindowsClosing => "Escalation windows closing",
            Section::Outstanding => "Referrals and notices outstanding",
            Section::Closed => "Closed in the period",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Overdue => "overdue",
            Section::Due => "due",
            Section::WindowsClosing => "windows_closing",
            Section::Outstanding => "outstanding",
            Section::Closed => "closed",
        }
    }
}

/// What an item is in its case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Deadline,
    Task,
    Window,
    Referral,
    /// A notice a rejection owes (`reject … requires notice`).
    Notice,
    Outcome,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Deadline => "deadline",
            ItemKind::Task => "task",
            ItemKind::Window => "window",
            ItemKind::Referral => "referral",
            ItemKind::Notice => "notice",
            ItemKind::Outcome => "outcome",
        }
    }
}

/// One line of the caseload: a case, what is due in it, when and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub section: Section,
    pub case: String,
    pub file: String,
    pub line: usize,
    pub procedure: String,
    pub version: Option<String>,
    /// The step the case is in (the last one, for a closed case).
    pub step: Option<String>,
    /// The role that must act.
    pub lead: String,
    /// The person the case names for that role, when it names one.
    pub person: Option<String>,
    pub kind: ItemKind,
    /// The deadline, task, request, body referred to, or outcome.
    pub item: String,
    /// The due date (the closing date of a window, the date a case closed);
    /// `None` for an outstanding item with no date.
    pub due: Option<NaiveDate>,
    /// Working days late, for an overdue item; working days left, for one
    /// due soon or a window closing; otherwise `None`.
    pub working_days: Option<i64>,
    pub explanation: String,
}

/// A case that could not be read or replayed: never dropped silently.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stopped {
    pub file: String,
    /// The line of the problem in the file.
    pub line: usize,
    /// The case id, when the case got far enough to say it.
    pub case: Option<String>,
    pub code: String,
    pub message: String,
    pub help: Option<String>,
}

/// How items are grouped within each section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Lead,
    Person,
    Step,
}

impl GroupBy {
    /// The group an item belongs to (`(none)` when a case names no person,
    /// or a case has no step).
    pub fn key(self, item: &Item) -> String {
        match self {
            GroupBy::Lead => item.lead.clone(),
            GroupBy::Person => item.person.clone().unwrap_or_else(|| "(none)".into()),
            GroupBy::Step => item.step.clone().unwrap_or_else(|| "(none)".into()),
        }
    }
}

/// The choices of a caseload: the as-of date, how far ahead is "soon"
/// (and how far back is "lately"), and the grouping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Options {
    pub as_of: NaiveDate,
    pub within: i64,
    pub by: Option<GroupBy>,
}

/// How many cases there were, by what became of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub cases: usize,
    pub open: usize,
    pub closed: usize,
    pub not_received: usize,
    pub stopped: usize,
}

/// Every case's items, sorted into sections. The JSON form is documented
/// in docs/cli.md.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Caseload {
    pub as_of: NaiveDate,
    pub within: i64,
    pub by: Option<GroupBy>,
    pub counts: Counts,
    pub overdue: Vec<Item>,
    pub due: Vec<Item>,
    pub windows_closing: Vec<Item>,
    pub outstanding: Vec<Item>,
    pub stopped: Vec<Stopped>,
    pub closed: Vec<Item>,
}

/// One case's part of the caseload: its items, or why it stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseResult {
    Replayed { status: Status, items: Vec<Item> },
    Stopped(Stopped),
}

/// The items of one replayed case as of `options.as_of`. `calendar` is the
/// one the case was replayed over; `people` names the person for a role;
/// `last_step` is the step a closed case was last in, when the report
/// keeps no timeline to say it (`engine::replay_quietly`).
pub fn items(
    report: &Report,
    last_step: Option<&str>,
    calendar: &Calendar,
    origin: &Origin,
    people: &dyn Fn(&str) -> Option<String>,
    options: &Options,
) -> CaseResult {
    let at = options.as_of;
    let mut items = Vec::new();
    let make = |section, step: Option<&str>, lead: &str, kind, item: &str| Item {
        section,
        case: report.case.clone(),
        file: origin.file.clone(),
        line: origin.line,
        procedure: report.procedure.id.clone(),
        version: report.procedure.version.clone(),
        step: step.map(str::to_string),
        lead: lead.to_string(),
        person: people(lead),
        kind,
        item: item.to_string(),
        due: None,
        working_days: None,
        explanation: String::new(),
    };
    // Working days from the as-of date to `date`, when the calendar covers
    // both (it covers every date a report holds).
    let ahead = |date: NaiveDate| calendar.working_days_between(at, date).ok();
    for active in &report.active {
        let step = Some(active.step.as_str());
        for d in &active.deadlines {
            let (Some(due), None) = (d.due, d.met_on) else {
                continue;
            };
            let section = if d.overdue {
                Section::Overdue
            } else if ahead(due).is_some_and(|n| n <= options.within) {
                Section::Due
            } else {
                continue;
            };
            let mut item = make(section, step, &active.lead, ItemKind::Deadline, &d.name);
            item.due = Some(due);
            item.working_days = d.remaining_working_days.map(i64::abs);
            item.explanation = d.explanation.clone();
            items.push(item);
        }
        for t in active.tasks.iter().filter(|t| !t.done) {
            let title = t.title.as_deref().unwrap_or(&t.name);
            let cites = cites(&t.cite);
            let Some(due) = t.due else {
                // A required task holds up the step's next move, which
                // the step's deadline already tracks; one that nothing
                // waits for (a notice to a party) is easily forgotten.
                if t.required {
                    continue;
                }
                let mut item = make(Section::Outstanding, step, &t.by, ItemKind::Task, &t.name);
                item.explanation = format!("{title}: not yet done, no date set{cites}");
                items.push(item);
                continue;
            };
            let (section, days) = if at > due {
                (Section::Overdue, Some(working_days_late(calendar, due, at)))
            } else {
                match ahead(due) {
                    Some(n) if n <= options.within => (Section::Due, Some(n)),
                    _ => continue,
                }
            };
            let mut item = make(section, step, &t.by, ItemKind::Task, &t.name);
            item.due = Some(due);
            item.working_days = days;
            item.explanation = format!("{title}: to be done by {due}{cites}");
            items.push(item);
        }
        for w in &active.windows {
            let Some(left) = ahead(w.closes).filter(|n| *n <= options.within) else {
                continue;
            };
            let lead = w.by.as_deref().unwrap_or(&active.lead);
            let mut item = make(
                Section::WindowsClosing,
                step,
                lead,
                ItemKind::Window,
                &w.event,
            );
            item.due = Some(w.closes);
            item.working_days = Some(left);
            item.explanation = format!(
                "`{}` moves the case to {} if asked for by {}{}",
                w.event,
                w.to,
                w.closes,
                cites(&w.cite)
            );
            items.push(item);
        }
        for r in report
            .routes
            .iter()
            .filter(|r| r.kind == "referral" && r.open)
        {
            let mut item = make(
                Section::Outstanding,
                step,
                &active.lead,
                ItemKind::Referral,
                &r.body,
            );
            item.explanation = format!("refer to {}{}", r.title, cites(&r.cite));
            items.push(item);
        }
    }
    // A running track's deadlines and tasks are due or overdue like a
    // step's, whether the main line is open or has reached its outcome;
    // the item's step is the track. A track has no lead: its deadlines go
    // to whoever does its first task.
    for track in report.tracks.iter().filter(|t| t.done_on.is_none()) {
        let step = Some(track.track.as_str());
        let lead = track
            .tasks
            .iter()
            .map(|t| t.by.as_str())
            .find(|b| !b.is_empty())
            .unwrap_or("");
        let dated = track
            .deadlines
            .iter()
            .filter(|d| d.met_on.is_none())
            .filter_map(|d| {
                let due = d.due?;
                Some((
                    ItemKind::Deadline,
                    lead,
                    &d.name,
                    due,
                    d.explanation.clone(),
                ))
            })
            .chain(track.tasks.iter().filter(|t| !t.done).filter_map(|t| {
                let due = t.due?;
                let title = t.title.as_deref().unwrap_or(&t.name);
                let who = if t.by.is_empty() { lead } else { t.by.as_str() };
                let why = format!("{title}: to be done by {due}{}", cites(&t.cite));
                Some((ItemKind::Task, who, &t.name, due, why))
            }));
        for (kind, who, name, due, explanation) in dated {
            let (section, days) = if at > due {
                (Section::Overdue, Some(working_days_late(calendar, due, at)))
            } else {
                match ahead(due) {
                    Some(n) if n <= options.within => (Section::Due, Some(n)),
                    _ => continue,
                }
            };
            let mut item = make(section, step, who, kind, name);
            item.due = Some(due);
            item.working_days = days;
            item.explanation = explanation;
            items.push(item);
        }
    }
    // A notice a rejection owes is outstanding until sent, overdue past
    // its due date, whether the case is open or at the outcome the
    // rejection led to; its step is the one whose rule owes it.
    for n in report.notices_owed.iter().filter(|n| n.sent_on.is_none()) {
        let title = n.title.as_deref().unwrap_or(&n.notice);
        let what = if n.explains == "refused" {
            "refusal"
        } else {
            "rejection"
        };
        let (section, days, when) = match n.due {
            Some(due) if at > due => (
                Section::Overdue,
                Some(working_days_late(calendar, due, at)),
                format!("to be sent by {due}"),
            ),
            Some(due) => (
                Section::Outstanding,
                ahead(due),
                format!("to be sent by {due}"),
            ),
            None => (
                Section::Outstanding,
                None,
                "not sent, no date known yet".to_string(),
            ),
        };
        let mut item = make(section, Some(&n.step), &n.by, ItemKind::Notice, &n.notice);
        item.due = n.due;
        item.working_days = days;
        item.explanation = format!(
            "{title} to {}, explaining the {what} of {}: {when}{}",
            n.to,
            n.since,
            cites(&n.cite)
        );
        items.push(item);
    }
    if let Some(outcome) = &report.outcome {
        let back = calendar.working_days_between(outcome.on, at).ok();
        if outcome.on <= at && back.is_some_and(|n| n <= options.within) {
            let step =
                last_step.or_else(|| report.timeline.iter().rev().find_map(|e| e.from.as_deref()));
            let mut item = make(Section::Closed, step, "", ItemKind::Outcome, &outcome.name);
            item.lead = String::new();
            item.person = None;
            item.due = Some(outcome.on);
            item.explanation = outcome.text.clone().unwrap_or_else(|| {
                format!("closed on {} with outcome `{}`", outcome.on, outcome.name)
            });
            items.push(item);
        }
    }
    CaseResult::Replayed {
        status: report.status,
        items,
    }
}

fn cites(labels: &[String]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" [{}]", labels.join(", "))
    }
}

impl Caseload {
    /// The caseload of `results`, in any order: each section is sorted by
    /// group, then date, case and item, so the output does not depend on
    /// the order cases were replayed in; stopped cases keep the order of
    /// their files.
    pub fn new(options: Options, results: impl IntoIterator<Item = CaseResult>) -> Caseload {
        let mut caseload = Caseload::empty(options);
        for result in results {
            caseload.add(result);
        }
        caseload.sort(options);
        caseload
    }

    /// A caseload of no cases yet, to [`add`](Caseload::add) to as cases
    /// are replayed (a large file is read a part at a time, and each
    /// part's results are let go once added) and [`sort`](Caseload::sort)
    /// at the end.
    pub fn empty(options: Options) -> Caseload {
        Caseload {
            as_of: options.as_of,
            within: options.within,
            by: options.by,
            counts: Counts::default(),
            overdue: Vec::new(),
            due: Vec::new(),
            windows_closing: Vec::new(),
            outstanding: Vec::new(),
            stopped: Vec::new(),
            closed: Vec::new(),
        }
    }

    /// One more case; stopped cases are kept in the order they are added.
    pub fn add(&mut self, result: CaseResult) {
        self.counts.cases += 1;
        match result {
            CaseResult::Stopped(stopped) => {
                self.counts.stopped += 1;
                self.stopped.push(stopped);
            }
            CaseResult::Replayed { status, items } => {
                match status {
                    Status::Open => self.counts.open += 1,
                    Status::Closed => self.counts.closed += 1,
                    Status::NotReceived => self.counts.not_received += 1,
                }
                for item in items {
                    self.section_mut(item.section).push(item);
                }
            }
        }
    }

    /// Adds every case of `other`, after those already here.
    pub fn merge(&mut self, other: Caseload) {
        let Counts {
            cases,
            open,
            closed,
            not_received,
            stopped,
        } = other.counts;
        self.counts.cases += cases;
        self.counts.open += open;
        self.counts.closed += closed;
        self.counts.not_received += not_received;
        self.counts.stopped += stopped;
        self.overdue.extend(other.overdue);
        self.due.extend(other.due);
        self.windows_closing.extend(other.windows_closing);
        self.outstanding.extend(other.outstanding);
        self.stopped.extend(other.stopped);
        self.closed.extend(other.closed);
    }

    /// Sorts each section by group, then date, case and item, so the
    /// output does not depend on the order cases were added in.
    pub fn sort(&mut self, options: Options) {
        for section in Section::ALL {
            let by = options.by;
            self.section_mut(section).sort_by(|a, b| {
                let group = |i: &Item| by.map(|g| g.key(i));
                (group(a), a.due, &a.case, &a.file, a.line, &a.item).cmp(&(
                    group(b),
                    b.due,
                    &b.case,
                    &b.file,
                    b.line,
                    &b.item,
                ))
            });
        }
    }

    pub fn section(&self, section: Section) -> &[Item] {
        match section {
            Section::Overdue => &self.overdue,
            Section::Due => &self.due,
            Section::WindowsClosing => &self.windows_closing,
            Section::Outstanding => &self.outstanding,
            Section::Closed => &self.closed,
        }
    }

    fn section_mut(&mut self, section: Section) -> &mut Vec<Item> {
        match section {
            Section::Overdue => &mut self.overdue,
            Section::Due => &mut self.due,
            Section::WindowsClosing => &mut self.windows_closing,
            Section::Outstanding => &mut self.outstanding,
            Section::Closed => &mut self.closed,
        }
    }
}
