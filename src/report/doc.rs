//! A procedure as a document for people: each step with its lead, what
//! happens, the timescales, what can happen next, the routes open, and the
//! citation of every statement; a summary table like the Cafcass Appendix.
//! Generated from the same compiled procedure that is enforced, so the
//! published text cannot disagree with it.

use std::fmt::Write;

use crate::check::ir::{Anchor, Expr, Extension, Procedure, Refusal, RouteKind, Step, Target};

use crate::check::words;

fn cite(labels: &[String]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" _({})_", labels.join(", "))
    }
}

fn role_title(procedure: &Procedure, role: crate::check::ir::RoleId) -> String {
    procedure
        .roles
        .get(role.index())
        .map(|r| r.title.clone().unwrap_or_else(|| r.name.replace('_', " ")))
        .unwrap_or_default()
}

/// A title made to continue a sentence: "The complaint was…" becomes
/// "the complaint was…", but a proper noun ("Cafcass did not…") keeps its
/// capital.
fn lower_first(text: &str) -> String {
    const COMMON: [&str; 10] = [
        "The",
        "A",
        "An",
        "There",
        "It",
        "This",
        "Clear",
        "Whether",
        "Who",
        "Independent",
    ];
    let first_word = text.split_whitespace().next().unwrap_or_default();
    if !COMMON.contains(&first_word) {
        return text.to_string();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "the line manager", without doubling an article the title already has.
fn the_role(procedure: &Procedure, role: crate::check::ir::RoleId) -> String {
    let title = lower_first(&role_title(procedure, role));
    if title.starts_with("the ") {
        title
    } else {
        format!("the {title}")
    }
}

/// A guard in words where the words are known (a yes/no fact and its
/// title), else as written.
fn condition(procedure: &Procedure, expr: &Expr) -> String {
    let titled =
        |f: crate::check::ir::FactId| procedure.facts.get(f.index()).and_then(|f| f.title.clone());
    match expr {
        Expr::Fact(f) => titled(*f).map(|t| format!("when {}", lower_first(&t))),
        Expr::Not(e) => match e.as_ref() {
            Expr::Fact(f) => titled(*f).map(|t| format!("unless {}", lower_first(&t))),
            _ => None,
        },
        _ => None,
    }
    .unwrap_or_else(|| format!("when `{}`", words::guard(procedure, expr, None)))
}

fn step_title(step: &Step) -> String {
    step.title.clone().unwrap_or_else(|| step.name.clone())
}

/// One refusal or rejection as a sentence; `otherwise` is said when it names
/// no step to go to.
fn exit_line(out: &mut String, procedure: &Procedure, opening: &str, r: &Refusal, otherwise: &str) {
    let then = match r.target {
        Some(t) => format!(" The case goes to {}.", target_title(procedure, t)),
        None => otherwise.to_string(),
    };
    let reason = r
        .reason
        .as_deref()
        .map(|t| format!(": {t}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "- {opening} {}{reason}.{then}{}",
        condition(procedure, &r.guard),
        cite(&r.cites)
    );
}

fn target_title(procedure: &Procedure, target: Target) -> String {
    match target {
        Target::Step(s) => procedure
            .steps
            .get(s.index())
            .map(|s| format!("**{}**", step_title(s)))
            .unwrap_or_default(),
        Target::Outcome(o) => procedure
            .outcomes
            .get(o.index())
            .map(|o| {
                format!(
                    "the outcome **{}**",
                    o.text.clone().unwrap_or_else(|| o.name.clone())
                )
            })
            .unwrap_or_default(),
    }
}

/// "of receiving the complaint", "of the case reaching this step",
/// "of response_sent".
fn from_phrase(procedure: &Procedure, step: &Step, anchor: Anchor) -> String {
    match anchor {
        Anchor::Entry
            if procedure
                .steps
                .get(procedure.start.index())
                .is_some_and(|s| s.name == step.name) =>
        {
            "of receiving the complaint".to_string()
        }
        Anchor::Entry => "of the case reaching this step".to_string(),
        Anchor::Event(e) => match procedure.events.get(e.index()).map(|e| e.name.as_str()) {
            Some("received") => "of receiving the complaint".to_string(),
            Some(name) => format!("of `{name}`"),
            None => String::new(),
        },
    }
}

fn deadline_sentence(procedure: &Procedure, step: &Step, d: &crate::check::ir::Deadline) -> String {
    let extension = match &d.extension {
        Extension::None => String::new(),
        Extension::ByAgreement => ", unless an extension is agreed".to_string(),
        Extension::UpTo(limit) => format!(
            ", unless an extension is agreed, up to {} in all",
            words::duration(procedure, *limit)
        ),
    };
    let met = if d.met_by.is_empty() {
        "completing the step".to_string()
    } else {
        d.met_by
            .iter()
            .filter_map(|e| {
                procedure
                    .events
                    .get(e.index())
                    .map(|e| format!("`{}`", e.name))
            })
            .collect::<Vec<_>>()
            .join(" or ")
    };
    format!(
        "**{}** (met by {met}): within {} {}{extension}.",
        d.name,
        words::duration(procedure, d.duration),
        from_phrase(procedure, step, d.anchor)
    )
}

/// The whole document.
pub fn markdown(procedure: &Procedure) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", procedure.title);
    let _ = writeln!(
        out,
        "<!-- Generated by `redress doc` from the procedure `{}`; edit the .proc file, not this page. -->\n",
        procedure.id
    );
    let mut header = Vec::new();
    if let Some(v) = &procedure.version {
        header.push(format!("Version {v}"));
    }
    if let Some(e) = procedure.effective {
        header.push(format!("effective {e}"));
    }
    if !header.is_empty() {
        let _ = writeln!(out, "{}.", header.join(", "));
    }
    if let Some(source) = &procedure.source {
        let _ = writeln!(
            out,
            "Source: {source}. Numbers in brackets cite its paragraphs."
        );
    }
    let calendar = procedure.calendar_name();
    let _ = writeln!(
        out,
        "\nTime limits in working days count Monday to Friday, leaving out the bank holidays of the `{calendar}` calendar; the day a time limit starts from is never counted.\n"
    );
    for note in &procedure.notes {
        let _ = writeln!(out, "> {}{}\n", note.text, cite(&note.cites));
    }

    summary(&mut out, procedure);

    for step in &procedure.steps {
        step_section(&mut out, procedure, step);
    }

    let _ = writeln!(out, "## How a complaint can end\n");
    for o in procedure.declared_outcomes() {
        let fin = if o.is_final {
            " This is the final point of the procedure."
        } else {
            ""
        };
        let text = o.text.clone().unwrap_or_else(|| o.name.clone());
        let _ = writeln!(out, "- **{}**: {text}.{fin}{}", o.name, cite(&o.cites));
    }
    let _ = writeln!(out);

    let routes: Vec<_> = procedure.routes.iter().collect();
    if !procedure.bodies.is_empty() {
        let _ = writeln!(out, "## Other organisations\n");
        let _ = writeln!(out, "| Organisation | Kind | Where it applies |");
        let _ = writeln!(out, "|---|---|---|");
        for (i, body) in procedure.bodies.iter().enumerate() {
            let mut places: Vec<String> = Vec::new();
            for r in routes.iter().filter(|r| r.body.index() == i) {
                places.push(route_phrase(procedure, r, "at any point"));
            }
            for step in &procedure.steps {
                for r in step.routes.iter().filter(|r| r.body.index() == i) {
                    places.push(route_phrase(
                        procedure,
                        r,
                        &format!("at {}", step_title(step)),
                    ));
                }
            }
            let kind = body
                .kind
                .map(|k| format!("{k:?}").to_lowercase())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {}{} | {kind} | {} |",
                body.title,
                cite(&body.cites),
                places.join("; ")
            );
        }
        let _ = writeln!(out);
    }
    out
}

fn route_phrase(procedure: &Procedure, route: &crate::check::ir::Route, place: &str) -> String {
    let how = match route.kind {
        RouteKind::Open => "open to the complainant",
        RouteKind::Referral => "referred at once",
    };
    let when = route
        .guard
        .as_ref()
        .map(|g| format!(" {}", condition(procedure, g)))
        .unwrap_or_default();
    format!("{how} {place}{when}{}", cite(&route.cites))
}

fn summary(out: &mut String, procedure: &Procedure) {
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(out, "| Step | Action | Lead | By when |");
    let _ = writeln!(out, "|---|---|---|---|");
    for step in &procedure.steps {
        let actions: Vec<String> = step
            .tasks
            .iter()
            .map(|t| t.title.clone().unwrap_or_else(|| t.name.replace('_', " ")))
            .collect();
        let by_when: Vec<String> = step
            .deadlines
            .iter()
            .map(|d| {
                let ext = match &d.extension {
                    Extension::None => String::new(),
                    Extension::ByAgreement => ", unless an extension is agreed".into(),
                    Extension::UpTo(l) => format!(
                        ", unless an extension is agreed up to {}",
                        words::duration(procedure, *l)
                    ),
                };
                format!("{}{ext}", words::duration(procedure, d.duration))
            })
            .chain(step.escalations.iter().map(|e| {
                format!(
                    "request within {} of `{}`",
                    words::duration(procedure, e.within),
                    words::anchor(procedure, e.anchor)
                )
            }))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            step_title(step),
            if actions.is_empty() {
                "—".to_string()
            } else {
                actions.join("; ")
            },
            role_title(procedure, step.lead),
            if by_when.is_empty() {
                "—".to_string()
            } else {
                by_when.join("; ")
            }
        );
    }
    let _ = writeln!(out);
}

fn step_section(out: &mut String, procedure: &Procedure, step: &Step) {
    let _ = writeln!(out, "## {}\n", step_title(step));
    let _ = writeln!(
        out,
        "Led by: {}.{}\n",
        role_title(procedure, step.lead),
        cite(&step.cites)
    );

    if !step.refusals.is_empty() || !step.rejects.is_empty() {
        for r in &step.refusals {
            exit_line(out, procedure, "This step is not opened", r, "");
        }
        for r in &step.rejects {
            exit_line(
                out,
                procedure,
                "The complaint is not accepted",
                r,
                " It may be resubmitted.",
            );
        }
        let _ = writeln!(out);
    }

    if !step.tasks.is_empty() {
        let _ = writeln!(out, "What happens:\n");
        for t in &step.tasks {
            let title = t.title.clone().unwrap_or_else(|| t.name.replace('_', " "));
            let by =
                t.by.filter(|r| *r != step.lead)
                    .map(|r| format!(" (by {})", the_role(procedure, r)))
                    .unwrap_or_default();
            let when = t
                .guard
                .as_ref()
                .map(|g| format!(", {}", condition(procedure, g)))
                .unwrap_or_default();
            let within = t
                .within
                .map(|(d, a)| {
                    format!(
                        ", within {} {}",
                        words::duration(procedure, d),
                        from_phrase(procedure, step, a)
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(out, "- {title}{by}{when}{within}.{}", cite(&t.cites));
        }
        let _ = writeln!(out);
    }

    if !step.deadlines.is_empty() || !step.pauses.is_empty() {
        let _ = writeln!(out, "Time limits:\n");
        for d in &step.deadlines {
            let _ = writeln!(
                out,
                "- {}{}",
                deadline_sentence(procedure, step, d),
                cite(&d.cites)
            );
        }
        for p in &step.pauses {
            let consent = p
                .consent_of
                .map(|r| format!(", with the agreement of {}", the_role(procedure, r)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- The time limits may be paused for {}{consent}; the time paused does not count.{}",
                p.name.replace('_', " "),
                cite(&p.cites)
            );
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "What can happen next:\n");
    for t in &step.transitions {
        let event = procedure
            .events
            .get(t.event.index())
            .map_or("?", |e| e.name.as_str());
        let by =
            t.by.map(|r| format!(" by {}", the_role(procedure, r)))
                .unwrap_or_default();
        let when = t
            .guard
            .as_ref()
            .map(|g| format!(" (when `{}`)", words::guard(procedure, g, Some(t.event))))
            .unwrap_or_default();
        let dest = if t.target
            == Target::Step(procedure.step_named(&step.name).unwrap_or(procedure.start))
        {
            let reopened: Vec<String> = t
                .reopens
                .iter()
                .filter_map(|i| step.tasks.get(*i as usize).map(|t| format!("`{}`", t.name)))
                .collect();
            if reopened.is_empty() {
                "the case stays in this step".to_string()
            } else {
                format!(
                    "the case stays in this step and {} must be done again",
                    reopened.join(", ")
                )
            }
        } else {
            format!("the case moves to {}", target_title(procedure, t.target))
        };
        let _ = writeln!(out, "- On `{event}`{by}{when}, {dest}.{}", cite(&t.cites));
    }
    for e in &step.escalations {
        let event = procedure
            .events
            .get(e.event.index())
            .map_or("?", |e| e.name.as_str());
        let who =
            e.by.map(|r| {
                let who = the_role(procedure, r);
                let mut chars = who.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            })
            .unwrap_or_else(|| "A party".to_string());
        let to = procedure
            .steps
            .get(e.target.index())
            .map(step_title)
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- {who} may ask for **{to}** (`{event}`) within {} {}.{}",
            words::duration(procedure, e.within),
            match e.anchor {
                Anchor::Entry => "of the case reaching this step".to_string(),
                a => format!("of `{}`", words::anchor(procedure, a)),
            },
            cite(&e.cites)
        );
    }
    if let Some(o) = &step.otherwise {
        let _ = writeln!(
            out,
            "- If no request is made in time, the case moves to {} the day after the time runs out.{}",
            target_title(procedure, o.target),
            cite(&o.cites)
        );
    }
    let _ = writeln!(out);

    if !step.routes.is_empty() {
        let _ = writeln!(out, "Other routes:\n");
        for r in &step.routes {
            let body = procedure
                .bodies
                .get(r.body.index())
                .map(|b| lower_first(&b.title))
                .unwrap_or_default();
            let how = match r.kind {
                RouteKind::Open => "You may take the complaint to",
                RouteKind::Referral => "It is referred at once to",
            };
            let when = r
                .guard
                .as_ref()
                .map(|g| format!(", {}", condition(procedure, g)))
                .unwrap_or_default();
            let _ = writeln!(out, "- {how} {body}{when}.{}", cite(&r.cites));
        }
        let _ = writeln!(out);
    }

    for note in &step.notes {
        let _ = writeln!(out, "> {}{}\n", note.text, cite(&note.cites));
    }
}
