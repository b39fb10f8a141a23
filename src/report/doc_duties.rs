//! The sections of `redress doc` for the rules about people, notices,
//! referrals, parallel work and facts that may not change: each says, for
//! the staff who run the procedure, what they must record and when.

use std::fmt::Write;

use crate::check::ir::{ExtensionRules, Procedure, ReferralDue, RoleId, Route};

use super::doc::{cite, humanize, lower_first, step_title, the_role, upper_first};

/// Every section this module adds, after the document's own; nothing when
/// the procedure uses none of these rules.
pub(super) fn sections(out: &mut String, procedure: &Procedure) {
    notices(out, procedure);
    people(out, procedure);
    fixed_facts(out, procedure);
    tracks(out, procedure);
}

/// "Work that runs beside the steps": each track, what starts it, its
/// tasks and deadlines counted from the day it starts, and what finishes it.
fn tracks(out: &mut String, procedure: &Procedure) {
    use super::doc::{duration_words, event_words, or_list, task_title};
    use crate::check::ir::Anchor;
    if procedure.tracks.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Work that runs beside the steps
"
    );
    let _ = writeln!(
        out,
        "Each of these keeps its own tasks and deadlines from the day it starts, after the case moves on and after it reaches its outcome; the case is fully closed only when every one it started is finished.\n"
    );
    let from = |anchor: Anchor| match anchor {
        Anchor::Entry => "the day it starts".to_string(),
        Anchor::Event(e) => event_words(procedure, e),
        other => crate::check::words::anchor(procedure, other),
    };
    for (i, track) in procedure.tracks.iter().enumerate() {
        let title = track.title.clone().unwrap_or_else(|| humanize(&track.name));
        let _ = writeln!(
            out,
            "### {title} (`{}`){}\n",
            track.name,
            cite(&track.cites)
        );
        let starts: Vec<String> = procedure
            .steps
            .iter()
            .flat_map(|s| {
                s.transitions
                    .iter()
                    .filter(|t| t.starts.contains(&(i as u32)))
                    .map(move |t| {
                        let when = t
                            .guard
                            .as_ref()
                            .map(|g| {
                                format!(
                                    ", when {}",
                                    super::doc::condition_words(procedure, g, None)
                                )
                            })
                            .unwrap_or_default();
                        format!(
                            "{} in “{}”{when}",
                            event_words(procedure, t.event),
                            step_title(s)
                        )
                    })
            })
            .collect();
        if !starts.is_empty() {
            let _ = writeln!(out, "Starts with {}.\n", or_list(&starts));
        }
        for task in &track.tasks {
            let who = task
                .by
                .map(|r| format!(", by {}", the_role(procedure, r)))
                .unwrap_or_default();
            let when = task
                .within
                .map(|(d, a)| format!(", within {} of {}", duration_words(procedure, d), from(a)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {}{who}{when}.{}",
                task_title(task),
                cite(&task.cites)
            );
        }
        for d in &track.deadlines {
            let met: Vec<String> = d
                .met_by
                .iter()
                .map(|e| event_words(procedure, *e))
                .collect();
            let met = if met.is_empty() {
                "met when it finishes".to_string()
            } else {
                format!("met by {}", or_list(&met))
            };
            let _ = writeln!(
                out,
                "- **{}** ({met}): {} from {}.{}",
                upper_first(&humanize(&d.name)),
                duration_words(procedure, d.duration),
                from(d.anchor),
                cite(&d.cites)
            );
        }
        let done: Vec<String> = track
            .done_on
            .iter()
            .map(|e| event_words(procedure, *e))
            .collect();
        let _ = writeln!(out, "\nFinished by {}.\n", or_list(&done));
    }
}

/// "Notices": each written notice as a checklist a case handler can tick
/// before sending it.
fn notices(out: &mut String, procedure: &Procedure) {
    if procedure.notices.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Notices\n");
    let _ = writeln!(
        out,
        "Record each as `{{ event: notice, notice: NAME, includes: [...] }}`; redress refuses one that leaves out what it must say.\n"
    );
    for n in &procedure.notices {
        let title = n.title.clone().unwrap_or_else(|| humanize(&n.name));
        let _ = writeln!(
            out,
            "### {title} (`{}`)\n\nTo {}.{}\n",
            n.name,
            the_role(procedure, n.to),
            cite(&n.cites)
        );
        for item in &n.includes {
            let _ = writeln!(out, "- [ ] {} (`{item}`)", upper_first(&humanize(item)));
        }
        let _ = writeln!(out);
        let owed = owed_by(procedure, &n.name);
        if !owed.is_empty() {
            let _ = writeln!(out, "Owed {}.\n", owed.join("; "));
        }
    }
}

/// When a notice is owed by a `reject` or `refuse … requires notice`: "when
/// the complaint is not accepted at “Stage 1”, the same day", once for each
/// step and time however many rules of the step owe it.
fn owed_by(procedure: &Procedure, notice: &str) -> Vec<String> {
    use super::doc::owed_when;
    let mut lines: Vec<String> = Vec::new();
    for step in &procedure.steps {
        let rules = step
            .rejects
            .iter()
            .map(|r| (r, "the complaint is not accepted at"))
            .chain(
                step.refusals
                    .iter()
                    .map(|r| (r, "the case is refused entry to")),
            );
        for (rule, what) in rules {
            let Some(owed) = rule
                .notice
                .as_ref()
                .filter(|o| o.notices.iter().any(|x| x == notice))
            else {
                continue;
            };
            let line = format!(
                "when {what} “{}”, {}",
                step_title(step),
                owed_when(procedure, owed)
            );
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines
}

/// "Who may act": panels and how they sit, leads who must differ from an
/// earlier step's, and roles one person may not hold together.
fn people(out: &mut String, procedure: &Procedure) {
    let mut lines = Vec::new();
    for (i, role) in procedure.roles.iter().enumerate() {
        if let Some(panel) = role.panel {
            lines.push(format!(
                "- {} sits with {}{}: record its members (`person: [A. Patel, B. Khan]` on its events, or `{}:` under the case's `people:`){}.{}",
                upper_first(&the_role(procedure, RoleId(i as u32))),
                panel.size_words(),
                if panel.chair {
                    ", one of whom chairs it"
                } else {
                    ""
                },
                role.name,
                if panel.chair {
                    " and who chaired it (`chair:`)"
                } else {
                    ""
                },
                cite(&role.cites)
            ));
        }
    }
    for step in &procedure.steps {
        for earlier in &step.different_from {
            let earlier = &procedure.steps[earlier.index()];
            let panel =
                |s: &crate::check::ir::Step| procedure.roles[s.lead.index()].panel.is_some();
            let (here, there) = (step_title(step), step_title(earlier));
            let rule = match (panel(step), panel(earlier)) {
                (false, false) => format!(
                    "“{here}” is led by someone other than the person who led “{there}”"
                ),
                (true, false) => format!(
                    "No member of the panel that leads “{here}” may be the person who led “{there}”"
                ),
                (false, true) => format!(
                    "“{here}” is led by someone who did not sit on the panel that led “{there}”"
                ),
                (true, true) => format!(
                    "No member of the panel that leads “{here}” may have sat on the panel that led “{there}”"
                ),
            };
            lines.push(format!("- {rule}.{}", cite(&step.cites)));
        }
    }
    for (i, role) in procedure.roles.iter().enumerate() {
        for other in &role.not_also {
            let this = the_role(procedure, RoleId(i as u32));
            let who = match role.panel {
                Some(_) => format!("No member of {this} may also"),
                None => format!("{} may not also", upper_first(&this)),
            };
            let be = match procedure.roles[other.index()].panel {
                Some(_) => "sit on",
                None => "be",
            };
            lines.push(format!(
                "- {who} {be} {}.{}",
                the_role(procedure, *other),
                cite(&role.cites)
            ));
        }
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Who may act\n");
    let _ = writeln!(
        out,
        "Record who made each event (`person:` on the event, or the case's `people:`); redress refuses an event that breaks one of these.\n"
    );
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out);
}

/// ", at most once, granted by the complaints manager, with notice to the
/// person who complains".
pub(super) fn extension_rule_words(procedure: &Procedure, rules: &ExtensionRules) -> String {
    let mut out = String::new();
    if rules.soft_cap {
        out.push_str(" (the usual limit: longer only for a good reason, which is recorded)");
    }
    if rules.after_expiry {
        out.push_str(", even after it has passed (a late extension is shown as late)");
    }
    match rules.at_most {
        Some(1) => out.push_str(", at most once"),
        Some(n) => out.push_str(&format!(", at most {n} times")),
        None => {}
    }
    if let Some(r) = rules.granted_by {
        out.push_str(&format!(", granted by {}", the_role(procedure, r)));
    }
    if let Some(r) = rules.agreed_by {
        out.push_str(&format!(
            ", with the agreement of {}",
            the_role(procedure, r)
        ));
    }
    if let Some(r) = rules.notice_to {
        out.push_str(&format!(
            ", with a notice to {} first",
            the_role(procedure, r)
        ));
    }
    out
}

/// When a timed referral is due, in words: ", the same day (record
/// `referred`)".
pub(super) fn referral_due_words(procedure: &Procedure, route: &Route) -> String {
    match route.due {
        None => String::new(),
        Some(ReferralDue::Immediately) => {
            ": due the same day the condition is known; record it as `referred`".into()
        }
        Some(ReferralDue::Within(spec)) => format!(
            ": due within {} of the day the condition is known; record it as `referred`",
            super::doc::duration_words(procedure, spec)
        ),
    }
}

/// "Facts that may not change": a case handler must not record a fixed
/// fact again with another value.
fn fixed_facts(out: &mut String, procedure: &Procedure) {
    let fixed: Vec<_> = procedure
        .facts
        .iter()
        .filter_map(|f| f.fixed.as_ref().map(|why| (f, why)))
        .collect();
    if fixed.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Facts that may not change\n");
    let _ = writeln!(
        out,
        "Once recorded for a case, these stay as first recorded; a later record that changes one is refused.\n"
    );
    for (fact, why) in fixed {
        let name = fact
            .title
            .as_deref()
            .map_or_else(|| humanize(&fact.name), str::to_string);
        let why = if why.is_empty() {
            String::new()
        } else {
            format!(": {}", lower_first(why.trim_end_matches('.')))
        };
        let _ = writeln!(
            out,
            "- {} (`{}`){why}.{}",
            upper_first(&name),
            fact.name,
            cite(&fact.cites)
        );
    }
    let _ = writeln!(out);
}
