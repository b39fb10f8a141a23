//! Scenario tests: a case file's `expect:` block against what happened.

use chrono::NaiveDate;

use crate::engine::{ReplayErrorKind, Report, REASONS};

/// What a case file says should be true as of a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub at: NaiveDate,
    pub status: Option<String>,
    pub step: Option<String>,
    pub outcome: Option<String>,
    /// Due dates of open deadlines (or tasks with their own), by name;
    /// `None` for one expected not to have started (`not started`).
    pub due: Vec<(String, Option<NaiveDate>)>,
    /// Names of the deadlines breached, in any order.
    pub breaches: Option<Vec<String>>,
    /// Names of the bodies whose routes or referrals are open, in any order.
    pub routes: Option<Vec<String>>,
    /// The refusal the replay must stop with.
    pub error: Option<ExpectedError>,
    /// Names of the soft deadlines met late with a reason, in any order.
    pub late_with_reason: Option<Vec<String>>,
    /// Each track named, with the state it must be in: `running`, `done`
    /// or `not started` (its latest run's).
    pub tracks: Vec<(String, String)>,
    /// Each notice a rejection owes, with the state its latest must be
    /// in: `due`, `overdue`, `sent`, `sent_late` or `not owed`.
    pub notices: Vec<(String, String)>,
}

/// What `expect: tracks:` may say of a track.
pub(super) const TRACK_STATES: [&str; 3] = ["running", "done", NOT_STARTED];

/// What `expect: notices:` may say of a notice a rejection owes.
pub(super) const NOTICE_STATES: [&str; 5] = ["due", "overdue", "sent", "sent_late", NOT_OWED];

/// How `expect: notices:` says no rejection has owed the notice.
const NOT_OWED: &str = "not owed";

/// `error: E0805`, or `error: { code: E0803, reason: beyond_ceiling }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedError {
    pub code: String,
    /// The reason key (docs/cases.md lists them); `None` accepts any
    /// reason for the code.
    pub reason: Option<String>,
}

/// The reason keys a code may have.
pub fn reasons_of(code: &str) -> &'static [&'static str] {
    REASONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(&[], |(_, reasons)| *reasons)
}

/// What `redress test` concludes from a replay and a case's expectations.
#[derive(Debug, PartialEq, Eq)]
pub enum Judgement {
    /// Every expectation held; the notes are worth saying all the same.
    Pass {
        notes: Vec<String>,
    },
    Fail(Vec<Mismatch>),
    /// The replay stopped and the case did not expect it to.
    Stopped,
}

/// Judges a replay's result against a case's expectations.
/// `before_effective_deliberate` is the case's own statement that it is
/// received before the procedure took effect on purpose.
pub fn judge(
    expect: &Expect,
    result: Result<&Report, &ReplayErrorKind>,
    before_effective_deliberate: bool,
) -> Judgement {
    match (result, &expect.error) {
        (Ok(report), None) => {
            let mut mismatches = compare(expect, report);
            if !before_effective_deliberate {
                for w in report.warnings.iter().filter(|w| w.code == "W0801") {
                    mismatches.push(Mismatch {
                        what: "effective date".into(),
                        expected: "a case received on or after the procedure took effect (or `before_effective: deliberate`)".into(),
                        actual: w.message.clone(),
                    });
                }
            }
            if mismatches.is_empty() {
                Judgement::Pass { notes: Vec::new() }
            } else {
                Judgement::Fail(mismatches)
            }
        }
        (Ok(_), Some(expected)) => Judgement::Fail(vec![Mismatch {
            what: "error".into(),
            expected: describe_error(&expected.code, expected.reason.as_deref()),
            actual: "the replay completed".into(),
        }]),
        (Err(_), None) => Judgement::Stopped,
        (Err(kind), Some(expected)) => {
            let (code, reason) = (kind.code_str(), kind.reason());
            let code_matches = expected.code == code;
            let reason_matches = expected.reason.as_deref().is_none_or(|r| r == reason);
            if !(code_matches && reason_matches) {
                return Judgement::Fail(vec![Mismatch {
                    what: "error".into(),
                    expected: describe_error(&expected.code, expected.reason.as_deref()),
                    actual: format!("{} ({kind})", describe_error(code, Some(reason))),
                }]);
            }
            let mut notes = Vec::new();
            if expected.reason.is_none() && reasons_of(code).len() > 1 {
                notes.push(format!(
                    "`error: {code}` accepts any of its {} reasons; name the one you mean: `error: {{ code: {code}, reason: {reason} }}`",
                    reasons_of(code).len()
                ));
            }
            Judgement::Pass { notes }
        }
    }
}

fn describe_error(code: &str, reason: Option<&str>) -> String {
    match reason {
        Some(r) => format!("{code} ({r})"),
        None => code.to_string(),
    }
}

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
}

/// How an `expect: due:` entry says a deadline runs in the step but has
/// not started (its anchor has not happened in this visit).
pub(super) const NOT_STARTED: &str = "not started";

fn list(mut names: Vec<String>) -> String {
    names.sort();
    if names.is_empty() {
        "[]".to_string()
    } else {
        format!("[{}]", names.join(", "))
    }
}

/// Every expectation that the report does not meet.
pub fn compare(expect: &Expect, report: &Report) -> Vec<Mismatch> {
    let mut mismatches = Vec::new();
    let mut check = |what: String, expected: String, actual: String| {
        if expected != actual {
            mismatches.push(Mismatch {
                what,
                expected,
                actual,
            });
        }
    };
    if let Some(status) = &expect.status {
        check(
            "status".into(),
            status.clone(),
            report.status.as_str().to_string(),
        );
    }
    if let Some(step) = &expect.step {
        let actual = report
            .active
            .first()
            .map_or("(no active step)".to_string(), |a| a.step.clone());
        check("step".into(), step.clone(), actual);
    }
    if let Some(outcome) = &expect.outcome {
        let actual = report
            .outcome
            .as_ref()
            .map_or("(no outcome)".to_string(), |o| o.name.clone());
        check("outcome".into(), outcome.clone(), actual);
    }
    for (name, date) in &expect.due {
        let active = report.active.first();
        let deadline = active.and_then(|a| a.deadlines.iter().find(|d| &d.name == name));
        let task = active.and_then(|a| a.tasks.iter().find(|t| &t.name == name));
        let referral = report
            .referrals
            .iter()
            .find(|r| &r.body == name && r.made_on.is_none());
        // A running track's deadline or timed task, when no step has it.
        let running = report.tracks.iter().filter(|t| t.done_on.is_none());
        let in_track = running.clone().find_map(|t| {
            let d = t
                .deadlines
                .iter()
                .find(|d| &d.name == name && d.met_on.is_none());
            d.map(|d| d.due).or_else(|| {
                t.tasks
                    .iter()
                    .find(|k| &k.name == name && !k.done)
                    .map(|k| k.due)
            })
        });
        // A notice a rejection owes and that is not yet sent.
        let owed = report
            .notices_owed
            .iter()
            .find(|n| &n.notice == name && n.sent_on.is_none())
            .map(|n| n.due);
        let actual = match (deadline, task, referral, in_track.or(owed)) {
            (Some(d), _, _, _) => d.due.map_or(NOT_STARTED.to_string(), |d| d.to_string()),
            (None, Some(t), _, _) => t.due.map_or(NOT_STARTED.to_string(), |d| d.to_string()),
            (None, None, Some(r), _) => r.due.map_or(NOT_STARTED.to_string(), |d| d.to_string()),
            (None, None, None, Some(due)) => due.map_or(NOT_STARTED.to_string(), |d| d.to_string()),
            (None, None, None, None) => "(not running)".to_string(),
        };
        let expected = date.map_or(NOT_STARTED.to_string(), |d| d.to_string());
        check(format!("due.{name}"), expected, actual);
    }
    if let Some(breaches) = &expect.breaches {
        check(
            "breaches".into(),
            list(breaches.clone()),
            list(report.breaches.iter().map(|b| b.deadline.clone()).collect()),
        );
    }
    if let Some(late) = &expect.late_with_reason {
        check(
            "late_with_reason".into(),
            list(late.clone()),
            list(
                report
                    .late_with_reason
                    .iter()
                    .map(|b| b.deadline.clone())
                    .collect(),
            ),
        );
    }
    if let Some(routes) = &expect.routes {
        check(
            "routes".into(),
            list(routes.clone()),
            list(
                report
                    .routes
                    .iter()
                    .filter(|r| r.open)
                    .map(|r| r.body.clone())
                    .collect(),
            ),
        );
    }
    for (name, state) in &expect.tracks {
        let actual = report
            .tracks
            .iter()
            .rev()
            .find(|t| &t.track == name)
            .map_or(NOT_STARTED, |t| t.status);
        check(format!("tracks.{name}"), state.clone(), actual.to_string());
    }
    for (name, state) in &expect.notices {
        let actual = report
            .notices_owed
            .iter()
            .rev()
            .find(|n| &n.notice == name)
            .map_or(NOT_OWED, |n| n.status);
        check(format!("notices.{name}"), state.clone(), actual.to_string());
    }
    mismatches
}
