//! The tracks section of `redress run`'s human report: each track the case
//! started, with its due dates and their explanations.

use std::fmt::Write;

use crate::engine::{DeadlineReport, Report};

use super::{cites, plural};

fn state(d: &DeadlineReport) -> String {
    match (d.met_on, d.due, d.remaining_working_days) {
        (Some(met), _, _) => format!("met on {met}"),
        (None, Some(due), Some(left)) if left < 0 => format!(
            "due {due}, OVERDUE by {}",
            plural(-left, "working day", "working days")
        ),
        (None, Some(due), Some(left)) => format!(
            "due {due}, {} left",
            plural(left, "working day", "working days")
        ),
        (None, Some(due), None) => format!("due {due}"),
        (None, None, _) => "not started".to_string(),
    }
}

/// Every track started, the running ones with their deadlines and tasks.
pub(super) fn section(report: &Report, out: &mut String) {
    if report.tracks.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nTracks");
    for t in &report.tracks {
        let title = t
            .title
            .as_deref()
            .map(|t| format!(" \"{t}\""))
            .unwrap_or_default();
        match t.done_on {
            Some(done) => {
                let _ = writeln!(
                    out,
                    "  {}{title}: started {}, done {done}",
                    t.track, t.started
                );
                continue;
            }
            None => {
                let _ = writeln!(out, "  {}{title}: started {}, running", t.track, t.started);
            }
        }
        for d in &t.deadlines {
            let _ = writeln!(out, "    {:<18} {}", d.name, state(d));
            let _ = writeln!(out, "        {}", d.explanation);
        }
        for task in &t.tasks {
            let mark = if task.done { "x" } else { " " };
            let when = match (task.done_on, task.due) {
                (Some(on), _) => format!(" (done {on})"),
                (None, Some(due)) => format!(" (due {due})"),
                _ => String::new(),
            };
            let by = if task.by.is_empty() {
                String::new()
            } else {
                format!(" by {}", task.by)
            };
            let _ = writeln!(
                out,
                "    [{mark}] {:<24}{by}{when}{}",
                task.name,
                cites(&task.cite)
            );
        }
    }
}
