//! The notices a rejection owes (`reject … requires notice`) in `redress
//! run`'s human report: a section of them with their due dates.

use std::fmt::Write;

use crate::engine::Report;

use super::{cites, plural};

/// Every notice a rejection owes, sent or not.
pub(super) fn section(report: &Report, out: &mut String) {
    if report.notices_owed.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nNotices owed");
    for n in &report.notices_owed {
        let due = n.due.map_or(
            "not known until the case gives its duration".to_string(),
            |d| d.to_string(),
        );
        let late = n
            .late_working_days
            .map(|l| plural(l, "working day", "working days"))
            .unwrap_or_default();
        let state = match (n.status, n.sent_on) {
            ("sent", Some(s)) => format!("sent {s}"),
            ("sent_late", Some(s)) => format!("sent {s}, LATE (due {due}, {late} late)"),
            ("overdue", _) => format!("OVERDUE: due {due}, {late} late"),
            _ => format!("due {due}"),
        };
        let title = n
            .title
            .as_deref()
            .map(|t| format!(" \"{t}\""))
            .unwrap_or_default();
        let what = if n.explains == "refused" {
            "refusal"
        } else {
            "rejection"
        };
        let _ = writeln!(
            out,
            "  {}{title} to {}, by {}, for the {what} in {} on {}: {state}{}",
            n.notice,
            n.to,
            n.by,
            n.step,
            n.since,
            cites(&n.cite)
        );
    }
}
