//! A [`Caseload`] for people (text, with colour when asked), as CSV with a
//! documented header, and as an iCalendar file (RFC 5545) that calendar
//! programs import. JSON is serde's rendering of [`Caseload`].

use std::fmt::Write;

use chrono::{Duration, NaiveDate};

use crate::caseload::{Caseload, Item, Section};

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n.abs() == 1 { one } else { many })
}

/// The caseload for people: a summary line, then each section with a line
/// per item (case, procedure and version, step, who leads, the item, its
/// date, how late or how soon) and its explanation under it. Overdue items
/// are red and items due on the as-of date yellow when `colour` is set.
pub fn human(caseload: &Caseload, colour: bool) -> String {
    let mut out = String::new();
    let c = &caseload.counts;
    let _ = writeln!(
        out,
        "Caseload as of {} · {}: {} open, {} closed{}{} · soon = within {}",
        caseload.as_of,
        plural(c.cases as i64, "case", "cases"),
        c.open,
        c.closed,
        if c.not_received > 0 {
            format!(", {} not yet received", c.not_received)
        } else {
            String::new()
        },
        if c.stopped > 0 {
            format!(", {} stopped", c.stopped)
        } else {
            String::new()
        },
        plural(caseload.within, "working day", "working days"),
    );
    for section in Section::ALL {
        if section == Section::Closed {
            stopped(&mut out, caseload, colour);
        }
        let items = caseload.section(section);
        let _ = writeln!(out, "\n{} ({})", section.title(), items.len());
        if items.is_empty() {
            let _ = writeln!(out, "  none");
            continue;
        }
        let mut group = None;
        for item in items {
            if let Some(by) = caseload.by {
                let key = by.key(item);
                if group.as_ref() != Some(&key) {
                    let _ = writeln!(out, "  {}:", key);
                    group = Some(key);
                }
            }
            let indent = if caseload.by.is_some() { "    " } else { "  " };
            let (start, end) = match (colour, section, item.due) {
                (true, Section::Overdue, _) => (RED, RESET),
                (true, _, Some(due)) if due == caseload.as_of && section != Section::Closed => {
                    (YELLOW, RESET)
                }
                _ => ("", ""),
            };
            let _ = writeln!(out, "{indent}{start}{}{end}", line(item, section));
            let _ = writeln!(out, "{indent}    {}", item.explanation);
        }
    }
    out
}

fn stopped(out: &mut String, caseload: &Caseload, colour: bool) {
    let _ = writeln!(out, "\nStopped replaying ({})", caseload.stopped.len());
    if caseload.stopped.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for s in &caseload.stopped {
        let (start, end) = if colour { (BOLD, RESET) } else { ("", "") };
        let case = s
            .case
            .as_deref()
            .map(|c| format!(" case {c}:"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {start}{}:{}:{case} {} {}{end}",
            s.file, s.line, s.code, s.message
        );
        if let Some(help) = &s.help {
            let _ = writeln!(out, "      help: {help}");
        }
    }
}

fn line(item: &Item, section: Section) -> String {
    let version = item
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let lead = match (&item.person, item.lead.is_empty()) {
        (_, true) => String::new(),
        (Some(person), false) => format!(" · {} ({person})", item.lead),
        (None, false) => format!(" · {}", item.lead),
    };
    let step = item
        .step
        .as_deref()
        .map(|s| format!(" · {s}"))
        .unwrap_or_default();
    let when = match (section, item.due, item.working_days) {
        (Section::Overdue, Some(due), Some(n)) => {
            format!(
                " · due {due}, {} late",
                plural(n, "working day", "working days")
            )
        }
        (Section::Due, Some(due), Some(0)) => format!(" · due {due}, today"),
        (Section::Due, Some(due), Some(n)) => {
            format!(
                " · due {due}, {} left",
                plural(n, "working day", "working days")
            )
        }
        (Section::WindowsClosing, Some(due), Some(n)) => {
            format!(
                " · closes {due}, {} left",
                plural(n, "working day", "working days")
            )
        }
        (Section::Closed, Some(on), _) => format!(" · closed {on}"),
        (Section::Outstanding, Some(due), Some(0)) => format!(" · due {due}, today"),
        (Section::Outstanding, Some(due), Some(n)) => {
            format!(
                " · due {due}, {} left",
                plural(n, "working day", "working days")
            )
        }
        (_, Some(due), _) => format!(" · {due}"),
        _ => String::new(),
    };
    format!(
        "{} · {}{version}{step}{lead} · {} {}{when}",
        item.case,
        item.procedure,
        item.kind.as_str(),
        item.item
    )
}

/// The columns of `redress status --format csv`, in order (docs/cli.md).
pub const CSV_HEADER: [&str; 14] = [
    "section",
    "case",
    "procedure",
    "version",
    "step",
    "lead",
    "person",
    "kind",
    "item",
    "due",
    "working_days",
    "explanation",
    "file",
    "line",
];

/// The caseload as CSV: [`CSV_HEADER`], then a row per item, section by
/// section; a stopped case is a row of section `stopped` with its code and
/// message in `item` and `explanation`.
pub fn csv(caseload: &Caseload) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for section in Section::ALL {
        if section == Section::Closed {
            for s in &caseload.stopped {
                let line = s.line.to_string();
                writer.write_record([
                    "stopped",
                    s.case.as_deref().unwrap_or(""),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    &s.code,
                    "",
                    "",
                    &s.message,
                    &s.file,
                    &line,
                ])?;
            }
        }
        for item in caseload.section(section) {
            let due = item.due.map(|d| d.to_string()).unwrap_or_default();
            let days = item.working_days.map(|d| d.to_string()).unwrap_or_default();
            let line = item.line.to_string();
            writer.write_record([
                section.as_str(),
                &item.case,
                &item.procedure,
                item.version.as_deref().unwrap_or(""),
                item.step.as_deref().unwrap_or(""),
                &item.lead,
                item.person.as_deref().unwrap_or(""),
                item.kind.as_str(),
                &item.item,
                &due,
                &days,
                &item.explanation,
                &item.file,
                &line,
            ])?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The caseload as an iCalendar file: one all-day `VEVENT` for each
/// overdue item, item due soon and window closing, on its date, with a
/// `UID` made of the case id, the kind and the item (the same every
/// morning, so a calendar updates the event rather than adding another)
/// and the explanation as its `DESCRIPTION`.
pub fn ics(caseload: &Caseload) -> String {
    let mut out = String::new();
    let stamp = format!("{}T000000Z", caseload.as_of.format("%Y%m%d"));
    push(&mut out, "BEGIN:VCALENDAR");
    push(&mut out, "VERSION:2.0");
    push(&mut out, "PRODID:-//redress//redress status//EN");
    push(&mut out, "CALSCALE:GREGORIAN");
    // An outstanding item with a date (a notice a rejection owes) is on
    // the calendar too; one without a date has no day to be on.
    for section in [
        Section::Overdue,
        Section::Due,
        Section::WindowsClosing,
        Section::Outstanding,
    ] {
        for item in caseload.section(section) {
            let Some(due) = item.due else { continue };
            let end = due + Duration::days(1);
            push(&mut out, "BEGIN:VEVENT");
            push(
                &mut out,
                &format!("UID:{}", uid(&item.case, item.kind.as_str(), &item.item)),
            );
            push(&mut out, &format!("DTSTAMP:{stamp}"));
            push(&mut out, &format!("DTSTART;VALUE=DATE:{}", date(due)));
            push(&mut out, &format!("DTEND;VALUE=DATE:{}", date(end)));
            let what = match section {
                Section::Overdue => "overdue",
                Section::WindowsClosing => "window closes",
                _ => "due",
            };
            push(
                &mut out,
                &format!(
                    "SUMMARY:{}",
                    escape(&format!(
                        "{}: {} {} {what}",
                        item.case,
                        item.kind.as_str(),
                        item.item
                    ))
                ),
            );
            let who = match &item.person {
                Some(p) => format!("{} ({p})", item.lead),
                None => item.lead.clone(),
            };
            let description = format!(
                "{} {} · {} · {who}\n{}",
                item.procedure,
                item.version.as_deref().unwrap_or(""),
                item.step.as_deref().unwrap_or(""),
                item.explanation
            );
            push(&mut out, &format!("DESCRIPTION:{}", escape(&description)));
            push(&mut out, "END:VEVENT");
        }
    }
    push(&mut out, "END:VCALENDAR");
    out
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A UID of letters, digits and `-._` only, so that no calendar program
/// has to escape it.
fn uid(case: &str, kind: &str, item: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-._".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!("{}.{}.{}@redress", clean(case), kind, clean(item))
}

/// RFC 5545 §3.3.11: backslash, semicolon, comma and newline are escaped
/// in TEXT values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line, folded at 75 octets (RFC 5545 §3.1) on a character
/// boundary, ended by CRLF.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_within_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let line = format!("DESCRIPTION:{}", "é".repeat(100));
        push(&mut out, &line);
        for part in out.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets: {part}", part.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));
    }

    #[test]
    fn text_values_escape_what_rfc_5545_reserves() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
