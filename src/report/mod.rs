//! Rendering results: a case's report for people (JSON and YAML are
//! serde's rendering of [`Report`]), and diagnostics for people and JSON
//! ([`diagnostic`]) and for CI systems ([`ci`]).

pub mod assess;
pub mod ci;
pub mod diagnostic;
pub mod diff;
pub mod doc;
mod doc_duties;
pub mod graph;
pub mod leaflet;
mod notices;
pub mod status;
pub mod test_run;
mod tracks;

use std::fmt::Write;

use crate::engine::{Report, Status};

fn cites(labels: &[String]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!("  [{}]", labels.join(", "))
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n.abs() == 1 { one } else { many })
}

/// "Outcome reached, 1 track still open: not fully closed until it is
/// done": said under a closed case's status for each kind of duty (tracks,
/// notices a rejection owes) still outstanding.
fn not_fully_closed(
    out: &mut String,
    open: usize,
    (one, many): (&str, &str),
    still: &str,
    until: &str,
) {
    if open > 0 {
        let _ = writeln!(
            out,
            "  Outcome reached, {} still {still}: not fully closed until {} {until}",
            plural(open as i64, one, many),
            if open == 1 { "it is" } else { "they are" }
        );
    }
}

/// The report as text: status, timeline, deadlines with their explanations,
/// tasks, windows, breaches, routes and what may happen next.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let version = report
        .procedure
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "Case {} · {}{} · as of {} · calendar {}",
        report.case, report.procedure.id, version, report.as_of, report.calendar
    );
    for w in &report.warnings {
        let _ = writeln!(out, "warning[{}]: {}", w.code, w.message);
    }
    match (&report.status, &report.outcome, report.active.first()) {
        (Status::Closed, Some(o), _) => {
            let fin = if o.is_final { ", final" } else { "" };
            let _ = writeln!(out, "Status: closed on {}: {}{fin}", o.on, o.name);
            if let Some(text) = &o.text {
                let _ = writeln!(out, "  {text}");
            }
            not_fully_closed(
                &mut out,
                report.open_tracks,
                ("track", "tracks"),
                "open",
                "done",
            );
            not_fully_closed(
                &mut out,
                report.open_notices,
                ("notice", "notices"),
                "owed",
                "sent",
            );
        }
        (_, _, Some(a)) => {
            let title = a
                .title
                .as_deref()
                .map(|t| format!(" \"{t}\""))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "Status: open, in {}{title} since {}, led by {}",
                a.step, a.entered, a.lead
            );
            if let Some(since) = a.paused_since {
                let _ = writeln!(out, "  Paused since {since}: the clocks are stopped");
            }
            if let Some(reason) = &a.rejected {
                let _ = writeln!(out, "  Turned away, awaiting resubmission: {reason}");
            }
        }
        _ => {
            let _ = writeln!(out, "Status: not yet received");
        }
    }
    if !report.people.is_empty() {
        let people: Vec<String> = report
            .people
            .iter()
            .map(|p| format!("{}: {}", p.role, p.person))
            .collect();
        let _ = writeln!(out, "People: {}", people.join("; "));
    }
    if !report.referrals.is_empty() {
        let _ = writeln!(out, "\nReferrals");
        for r in &report.referrals {
            let due = r.due.map_or(
                "not known until the case gives its duration".to_string(),
                |d| d.to_string(),
            );
            let state = match (r.status, r.made_on) {
                ("made", Some(m)) => format!("made {m}"),
                ("made_late", Some(m)) => format!("made {m}, LATE (due {due})"),
                ("overdue", _) => format!("OVERDUE: due {due}"),
                _ => format!("due {due}"),
            };
            let _ = writeln!(
                out,
                "  to {} ({}), needed since {}: {state}{}",
                r.body,
                r.title,
                r.since,
                cites(&r.cite)
            );
        }
    }

    notices::section(report, &mut out);

    let _ = writeln!(out, "\nTimeline");
    for t in &report.timeline {
        let movement = match (&t.from, &t.to) {
            (Some(f), Some(to)) if f == to => format!("stays in {f}"),
            (Some(f), Some(to)) => format!("{f} → {to}"),
            (None, Some(to)) => format!("→ {to}"),
            (Some(f), None) => format!("in {f}"),
            (None, None) => String::new(),
        };
        let auto = if t.automatic { " (automatic)" } else { "" };
        let _ = writeln!(
            out,
            "  {}  {:<22} {movement}{auto}{}",
            t.on,
            t.event,
            cites(&t.cite)
        );
        if let Some(note) = &t.note {
            let _ = writeln!(out, "              {note}");
        }
    }

    for a in &report.active {
        if !a.deadlines.is_empty() {
            let _ = writeln!(out, "\nDeadlines");
            for d in &a.deadlines {
                let state = match (d.met_on, d.due, d.remaining_working_days) {
                    (Some(met), _, _) => format!("met on {met}"),
                    (None, Some(due), Some(left)) if left < 0 => {
                        format!(
                            "due {due}, OVERDUE by {}",
                            plural(-left, "working day", "working days")
                        )
                    }
                    (None, Some(due), Some(left)) => {
                        format!(
                            "due {due}, {} left",
                            plural(left, "working day", "working days")
                        )
                    }
                    (None, Some(due), None) => format!("due {due}"),
                    (None, None, _) => "not started".to_string(),
                };
                let _ = writeln!(out, "  {:<18} {state}", d.name);
                let _ = writeln!(out, "      {}", d.explanation);
            }
        }
        if !a.tasks.is_empty() {
            let _ = writeln!(out, "\nTasks");
            for t in &a.tasks {
                let mark = if t.done { "x" } else { " " };
                let when = match (t.done_on, t.due) {
                    (Some(on), _) => format!(" (done {on})"),
                    (None, Some(due)) => format!(" (due {due})"),
                    _ => String::new(),
                };
                let required = if t.required { ", required" } else { "" };
                let _ = writeln!(
                    out,
                    "  [{mark}] {:<26} by {}{required}{when}{}",
                    t.name,
                    t.by,
                    cites(&t.cite)
                );
            }
        }
        if !a.windows.is_empty() {
            let _ = writeln!(out, "\nOpen windows");
            for w in &a.windows {
                let by =
                    w.by.as_deref()
                        .map(|b| format!(" by {b}"))
                        .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {}{by} → {}, until {}{}",
                    w.event,
                    w.to,
                    w.closes,
                    cites(&w.cite)
                );
            }
        }
    }

    tracks::section(report, &mut out);

    let _ = writeln!(out, "\nBreaches");
    if report.breaches.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for b in &report.breaches {
        let when = match b.met_on {
            Some(on) => format!("met {on}"),
            None => "still unmet".to_string(),
        };
        let _ = writeln!(
            out,
            "  {}.{}: due {}, {when}, {} late{}",
            b.step,
            b.deadline,
            b.due,
            plural(b.late_working_days, "working day", "working days"),
            cites(&b.cite)
        );
    }
    // Shown only when there are some, so reports of procedures without
    // soft deadlines read as before.
    if !report.late_with_reason.is_empty() {
        let _ = writeln!(out, "\nLate, with reason");
        for b in &report.late_with_reason {
            let met = b.met_on.map(|on| format!("met {on}, ")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}.{}: due {}, {met}{} late: {}{}",
                b.step,
                b.deadline,
                b.due,
                plural(b.late_working_days, "working day", "working days"),
                b.reason.as_deref().unwrap_or(""),
                cites(&b.cite)
            );
        }
    }

    if !report.routes.is_empty() {
        let _ = writeln!(out, "\nRoutes and referrals");
        let closed = report.status == Status::Closed;
        let shown: Vec<_> = report
            .routes
            .iter()
            .filter(|r| r.open || (!closed && !r.missing_facts.is_empty()))
            .collect();
        if shown.is_empty() {
            let _ = writeln!(out, "  none open");
        }
        let others = report.routes.len() - shown.len();
        // A route whose condition reads `closed` may be open after the outcome.
        let open_after_outcome = closed && !shown.is_empty();
        for r in shown {
            let state = match (r.open, r.missing_facts.is_empty()) {
                (true, _) => "open",
                (false, true) => "not open",
                (false, false) => "unknown",
            };
            let needs = if r.missing_facts.is_empty() {
                String::new()
            } else {
                format!(" (needs {})", r.missing_facts.join(", "))
            };
            let until = match (r.open, r.closes) {
                (true, Some(closes)) => format!(" (until {closes})"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:<9} {:<9} {}: {}{needs}{until}{}",
                r.kind,
                state,
                r.body,
                r.title,
                cites(&r.cite)
            );
            route_because(&mut out, r);
        }
        // Routes not open whose day is known (one waiting on a deadline,
        // or one whose window ended) say it, so a complainant sees when;
        // so does one only an outcome opens, so that whoever decides the
        // outcome sees what it opens.
        let dated: Vec<_> = report
            .routes
            .iter()
            .filter(|r| !r.open && (closed || r.missing_facts.is_empty()))
            .filter(|r| {
                r.opens.is_some()
                    || r.because.starts_with("its window ended")
                    || (!closed && r.after_outcome.is_some())
            })
            .collect();
        let others = others - dated.len();
        for r in dated {
            let when = match (r.opens, &r.after_outcome) {
                (Some(opens), _) => format!("opens {opens}"),
                (None, Some(outcome)) if !closed => format!("only after outcome {outcome}"),
                (None, _) => format!(
                    "closed {}",
                    r.closes.map(|d| d.to_string()).unwrap_or_default()
                ),
            };
            let _ = writeln!(
                out,
                "  {:<9} {:<9} {}: {} ({when}){}",
                r.kind,
                r.state,
                r.body,
                r.title,
                cites(&r.cite)
            );
            // The outcome it waits for is said already.
            if closed || r.after_outcome.is_none() {
                let _ = writeln!(out, "            because {}", r.because);
            }
        }
        if open_after_outcome && others > 0 {
            let _ = writeln!(
                out,
                "  (the case has closed: its other routes are no longer open)"
            );
        } else if closed && !open_after_outcome {
            let _ = writeln!(
                out,
                "  (the case has closed: its routes are no longer open)"
            );
        } else if others > 0 {
            let _ = writeln!(out, "  ({others} more not open to this case)");
        }
    }

    if !report.next.is_empty() {
        let _ = writeln!(out, "\nNext");
        for n in &report.next {
            let by =
                n.by.as_deref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default();
            let until = match (n.until, n.overdue) {
                (Some(u), true) => format!(", by {u}: OVERDUE"),
                (Some(u), false) => format!(", by {u}"),
                (None, _) => String::new(),
            };
            let _ = writeln!(out, "  {}{by}{until}", n.event);
        }
    }
    out
}

/// A route's `because` under its line, where it says more than that the
/// condition holds or does not (what `missed` reads, the window).
fn route_because(out: &mut String, r: &crate::engine::RouteReport) {
    let plain = r.why_not.as_deref().unwrap_or("its condition holds");
    if r.because != plain {
        let _ = writeln!(out, "            because {}", r.because);
    }
}
