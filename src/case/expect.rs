//! Scenario tests: a case file's `expect:` block against what happened.

use chrono::NaiveDate;

use crate::engine::Report;

/// What a case file says should be true as of a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub at: NaiveDate,
    pub status: Option<String>,
    pub step: Option<String>,
    pub outcome: Option<String>,
    /// Due dates of open deadlines (or tasks with their own), by name.
    pub due: Vec<(String, NaiveDate)>,
    /// Names of the deadlines breached, in any order.
    pub breaches: Option<Vec<String>>,
    /// Names of the bodies whose routes or referrals are open, in any order.
    pub routes: Option<Vec<String>>,
    /// The code the replay must stop with (a refusal the case pins down).
    pub error: Option<String>,
}

/// One expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub what: String,
    pub expected: String,
    pub actual: String,
}

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
        let actual = active
            .and_then(|a| {
                a.deadlines
                    .iter()
                    .find(|d| &d.name == name)
                    .and_then(|d| d.due)
                    .or_else(|| a.tasks.iter().find(|t| &t.name == name).and_then(|t| t.due))
            })
            .map_or("(not running)".to_string(), |d| d.to_string());
        check(format!("due.{name}"), date.to_string(), actual);
    }
    if let Some(breaches) = &expect.breaches {
        check(
            "breaches".into(),
            list(breaches.clone()),
            list(report.breaches.iter().map(|b| b.deadline.clone()).collect()),
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
    mismatches
}
