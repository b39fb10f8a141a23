//! What hovering shows: for a name, its declaration, description and
//! citation; for a deadline, a window, a task's time limit or the overall
//! limit, its meaning in plain words. Markdown, as editors render it.

use crate::check::describe_duration;
use crate::check::ir::Builtin;
use crate::syntax::ast::{
    Anchor, Cite, Duration, EscalateDecl, Extension, LimitDecl, ProcedureDecl, Span, StepDecl,
    TaskDecl, Text, TypeExpr,
};

use super::index::{Index, Item, Occurrence, Space};

/// The hover text at `offset`, and the span it is about.
pub(crate) fn hover(index: &Index, text: &str, offset: usize) -> Option<(String, Span)> {
    if let Some(occurrence) = index.at(offset).into_iter().next() {
        return Some((name(index, text, occurrence), occurrence.span));
    }
    timed(&index.procedure, offset)
}

/// A name: what its declaration says, or what a built-in name means.
fn name(index: &Index, text: &str, occurrence: &Occurrence) -> String {
    let declarations: Vec<Item> = index
        .declarations(occurrence)
        .filter_map(|o| o.decl)
        .collect();
    let p = &index.procedure;
    let Some(&first) = declarations.first() else {
        return undeclared(occurrence);
    };
    if occurrence.space == Space::Event {
        return event(p, &occurrence.name, &declarations);
    }
    let mut out = describe(p, text, first, &occurrence.name);
    let uses = index
        .references(occurrence)
        .filter(|o| o.decl.is_none())
        .count();
    if !matches!(
        first,
        Item::Procedure | Item::Deadline(..) | Item::Pause(..)
    ) {
        out.push_str(&format!("\n\nUsed {}.", times(uses)));
    }
    out
}

fn times(n: usize) -> String {
    match n {
        0 => "nowhere".to_string(),
        1 => "once".to_string(),
        n => format!("{n} times"),
    }
}

fn undeclared(occurrence: &Occurrence) -> String {
    let n = &occurrence.name;
    match occurrence.space {
        Space::Event => match Builtin::ALL.iter().find(|b| b.name() == n) {
            Some(b) => format!("**built-in event** `{n}`\n\n{}", builtin(*b)),
            None => format!("`{n}`: no step receives this event"),
        },
        Space::Calendar if crate::calendar::BUILTIN_NAMES.contains(&n.as_str()) => format!(
            "**built-in calendar** `{n}`\n\nMonday to Friday, less the bank holidays of {}.",
            match n.as_str() {
                "scotland" => "Scotland",
                "northern-ireland" => "Northern Ireland",
                _ => "England and Wales",
            }
        ),
        _ => format!("`{n}` is not declared"),
    }
}

fn builtin(b: Builtin) -> &'static str {
    match b {
        Builtin::Received => "The complaint arrives: the first event of every case.",
        Builtin::Extended => "A deadline is given more time.",
        Builtin::Paused => "The step's clocks stop under one of its `pause` rules.",
        Builtin::Resumed => "The clocks run again.",
        Builtin::Withdrawn => "The complainant withdraws: the case ends as `withdrawn`.",
        Builtin::Resubmitted => "A complaint turned away by a `reject` comes back.",
        Builtin::Referred => "A referral is made (`to: BODY`), discharging a `refer to` duty.",
        Builtin::Notice => "A written notice is sent (`notice: NAME`, `includes: [...]`).",
    }
}

/// An event: every step that receives it, and what it does there.
fn event(p: &ProcedureDecl, n: &str, declarations: &[Item]) -> String {
    let mut out = format!("**event** `{n}`\n");
    for item in declarations {
        let line = match *item {
            Item::Task(si, ti) => p.steps.get(si).and_then(|s| {
                let task = s.tasks.get(ti)?;
                Some(format!(
                    "does task `{n}`{} in step `{}`",
                    title(&task.title),
                    s.name.text
                ))
            }),
            Item::Transition(si, ti) => p.steps.get(si).and_then(|s| {
                let t = s.transitions.get(ti)?;
                Some(format!(
                    "in step `{}`, moves the case to `{}`{}",
                    s.name.text,
                    t.target.text,
                    cite_words(&t.cite)
                ))
            }),
            Item::Escalation(si, ei) => p.steps.get(si).and_then(|s| {
                let e = s.escalations.get(ei)?;
                Some(format!(
                    "in step `{}`, asks for step `{}`: {}",
                    s.name.text,
                    e.target.text,
                    window(s, e)
                ))
            }),
            _ => None,
        };
        if let Some(line) = line {
            out.push_str(&format!("\n- {line}"));
        }
    }
    out
}

fn title(text: &Option<Text>) -> String {
    text.as_ref()
        .filter(|t| !t.value.is_empty())
        .map_or(String::new(), |t| format!(" ({})", t.value))
}

fn cite_words(cite: &Option<Cite>) -> String {
    match cite {
        Some(c) if !c.labels.is_empty() => format!(
            " (cites {})",
            c.labels
                .iter()
                .map(|l| format!("\"{}\"", l.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    }
}

/// `Cites "2.1", "Appendix".` on a line of its own, or nothing.
fn cite_line(cite: &Option<Cite>) -> String {
    match cite_words(cite).trim() {
        "" => String::new(),
        words => format!(
            "\n\n{}.",
            words
                .trim_start_matches('(')
                .trim_end_matches(')')
                .replacen("cites", "Cites", 1)
        ),
    }
}

fn description(text: Option<&Text>) -> String {
    match text {
        Some(t) if !t.value.is_empty() => format!("\n\n{}", t.value),
        _ => String::new(),
    }
}

fn type_words(text: &str, ty: &TypeExpr) -> String {
    match ty {
        TypeExpr::Bool(_) => "a condition (true or false)".to_string(),
        TypeExpr::Date(_) => "a date".to_string(),
        TypeExpr::Duration(_) => "a duration".to_string(),
        TypeExpr::Text(_) => "text".to_string(),
        TypeExpr::Enum { span, .. } => format!(
            "one of {}",
            text.get(span.start..span.end).unwrap_or_default()
        ),
    }
}

/// A declaration in words.
fn describe(p: &ProcedureDecl, text: &str, item: Item, n: &str) -> String {
    let described = match item {
        Item::Procedure => Some(format!(
            "**procedure** `{n}`{}{}{}",
            description(Some(&p.title)),
            p.versions
                .first()
                .map_or(String::new(), |v| format!("\n\nVersion {}.", v.value.value)),
            p.effective
                .first()
                .and_then(|e| e.value.value)
                .map_or(String::new(), |d| format!(" Effective {d}."))
        )),
        Item::Calendar(i) => p.calendars.get(i).map(|c| {
            let weekend = c
                .weekends
                .first()
                .map_or("Saturday and Sunday".to_string(), |w| {
                    w.days
                        .iter()
                        .map(|d| d.text.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                });
            format!(
                "**calendar** `{n}`\n\nThe bank holidays of `{}`, {} closure day(s) of its own; weekend: {weekend}.",
                c.base.text,
                c.closed.len()
            )
        }),
        Item::Role(i) => p.roles.get(i).map(|r| {
            format!(
                "**role** `{n}`{}{}{}{}",
                description(r.title.as_ref()),
                r.panel.as_ref().map(panel_words).unwrap_or_default(),
                if r.not_also.is_empty() {
                    String::new()
                } else {
                    format!(
                        "\n\nThe same person may not also be: {}.",
                        r.not_also
                            .iter()
                            .map(|o| format!("`{}`", o.text))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
                cite_line(&r.cite)
            )
        }),
        Item::Fact(i) => p.facts.get(i).map(|f| {
            format!(
                "**fact** `{n}`: {}{}{}{}",
                type_words(text, &f.ty),
                description(f.title.as_ref()),
                fixed_words(f.fixed.as_ref()),
                cite_line(&f.cite)
            )
        }),
        Item::Setting(i) => p.settings.get(i).map(|st| {
            let default = text
                .get(st.default.span().start..st.default.span().end)
                .unwrap_or_default();
            format!(
                "**setting** `{n}`: {}, by default {default}; an organisation may choose another in a settings file{}{}",
                type_words(text, &st.ty),
                description(st.title.as_ref()),
                cite_line(&st.cite)
            )
        }),
        Item::Value(span) => Some(format!(
            "**value** `{n}` of the choice {}",
            text.get(span.start..span.end).unwrap_or_default()
        )),
        Item::Body(i) => p.bodies.get(i).map(|b| {
            format!(
                "**body** `{n}`{}{}{}",
                b.kind.as_ref().map_or(String::new(), |k| format!(" ({})", k.text)),
                description(Some(&b.title)),
                cite_line(&b.cite)
            )
        }),
        Item::Step(i) => p.steps.get(i).map(step),
        Item::Outcome(i) => p.outcomes.get(i).map(|o| {
            format!(
                "**outcome** `{n}`{}{}{}",
                if o.is_final { " (final)" } else { "" },
                description(o.text.as_ref()),
                cite_line(&o.cite)
            )
        }),
        Item::Task(si, ti) => p.steps.get(si).and_then(|s| {
            let t = s.tasks.get(ti)?;
            Some(format!(
                "**task** `{n}` in step `{}`{}{}{}{}{}",
                s.name.text,
                description(t.title.as_ref()),
                t.by.as_ref()
                    .map_or(String::new(), |b| format!("\n\nDone by `{}`.", b.text)),
                t.guard.as_ref().map_or(String::new(), |g| {
                    let span = g.span();
                    format!(
                        "\n\nOnly when `{}`.",
                        text.get(span.start..span.end).unwrap_or_default()
                    )
                }),
                task_within(s, t).map_or(String::new(), |w| format!("\n\n{w}")),
                cite_line(&t.cite)
            ))
        }),
        Item::Deadline(si, di) => p.steps.get(si).and_then(|s| {
            let d = s.deadlines.get(di)?;
            Some(format!(
                "**deadline** `{n}` in step `{}`\n\n{}{}",
                s.name.text,
                deadline(s, di)?,
                cite_line(&d.cite)
            ))
        }),
        Item::Pause(si, pi) => p.steps.get(si).and_then(|s| {
            let pause = s.pauses.get(pi)?;
            Some(format!(
                "**pause** for `{n}` in step `{}`\n\nThe step's clocks may stop (a `paused` event) and run again (`resumed`){}.{}",
                s.name.text,
                pause
                    .consent_of
                    .as_ref()
                    .map_or(String::new(), |r| format!(", only with the agreement of `{}`", r.text))
                    + &pause.guard.as_ref().map_or(String::new(), |g| format!(", only when `{}` holds on the day it is paused", crate::format::expression(g))),
                cite_line(&pause.cite)
            ))
        }),
        Item::Field(si, ti, fi) => p.steps.get(si).and_then(|s| {
            let t = s.transitions.get(ti)?;
            let f = t.params.get(fi)?;
            Some(format!(
                "**data** `{n}` of event `{}`: {}",
                t.event.text,
                type_words(text, &f.ty)
            ))
        }),
        Item::Transition(..) | Item::Escalation(..) => None,
    };
    described.unwrap_or_else(|| format!("`{n}`"))
}

fn step(s: &StepDecl) -> String {
    let mut out = format!(
        "**step** `{}`{}",
        s.name.text,
        description(s.title.as_ref())
    );
    if let Some(lead) = s.leads.first() {
        out.push_str(&format!("\n\nLed by `{}`.", lead.value.text));
    }
    for (di, d) in s.deadlines.iter().enumerate() {
        if let Some(words) = deadline(s, di) {
            out.push_str(&format!("\n\n- `{}`: {words}", d.name.text));
        }
    }
    out.push_str(&cite_line(&s.cite));
    out
}

/// `20 working days`, or what a duration fact stands for.
pub(crate) fn duration_words(duration: &Duration) -> String {
    match duration {
        Duration::Literal { amount, unit, .. } => {
            describe_duration(u32::try_from(*amount).unwrap_or(0), *unit)
        }
        Duration::Fact(f) => format!("the time given by the case's `{}`", f.text),
    }
}

/// "from", or "beginning with (the day counts)" where the anchor day is the
/// first day of the period.
fn counting(beginning: bool, usual: &'static str) -> &'static str {
    if beginning {
        "beginning with (counting that day)"
    } else {
        usual
    }
}

fn anchor_words(step: &StepDecl, anchor: Option<&Anchor>) -> String {
    match anchor {
        None | Some(Anchor::Entry(_)) => format!("entry into step `{}`", step.name.text),
        Some(Anchor::Event(e)) => format!("the latest `{}`", e.text),
        Some(Anchor::Date(e)) => format!("`{}`", crate::format::expression(e)),
    }
}

/// A deadline in plain words: "20 working days from entry into step
/// `step1`, extendable by agreement; met by `response_sent`."
pub(crate) fn deadline(step: &StepDecl, index: usize) -> Option<String> {
    let d = step.deadlines.get(index)?;
    let extension = match &d.extension {
        None => String::new(),
        Some(Extension::ByAgreement(_)) => ", extendable by agreement, without a limit".to_string(),
        Some(Extension::UpTo(ceiling)) => {
            format!(", extendable up to {} in all", duration_words(ceiling))
        }
    };
    let met = if d.met_by.is_empty() {
        "met when the case leaves the step".to_string()
    } else {
        format!(
            "met by {}",
            d.met_by
                .iter()
                .map(|e| format!("`{}`", e.text))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    };
    let mut after = String::new();
    if let Some(g) = &d.guard {
        after.push_str(&format!(
            " It applies only when `{}` (while that is not known, it applies).",
            crate::format::expression(g)
        ));
    }
    if d.soft {
        after.push_str(" Soft (`or as soon as practicable`): met late with a `reason:`, it counts as late, with reason, not as a breach.");
    }
    if let Some(u) = &d.until {
        return Some(format!(
            "Until `{}`{extension}; {met}.{after}",
            crate::format::expression(u)
        ));
    }
    Some(format!(
        "{} {} {}{extension}; {met}.{after}",
        duration_words(&d.duration),
        counting(d.beginning, "from"),
        anchor_words(step, d.anchor.as_ref())
    ))
}

/// An escalation window in plain words.
fn window(step: &StepDecl, e: &EscalateDecl) -> String {
    let mut otherwise = step.otherwise.first().map_or(String::new(), |o| {
        format!(
            " If the window closes unused, the case goes to `{}`.",
            o.value.text
        )
    });
    if let Some(g) = &e.guard {
        otherwise = format!(
            " The window exists only while `{}` holds for the case; for any other case it never opens.{otherwise}",
            crate::format::expression(g)
        );
    }
    if let Some(u) = &e.until {
        return format!(
            "{} may ask for step `{}` (event `{}`) until `{}`.{otherwise}",
            e.by.as_ref()
                .map_or("Anyone".to_string(), |r| format!("`{}`", r.text)),
            e.target.text,
            e.event.text,
            crate::format::expression(u)
        );
    }
    format!(
        "{} may ask for step `{}` (event `{}`) within {} {} {}.{otherwise}",
        e.by.as_ref()
            .map_or("Anyone".to_string(), |r| format!("`{}`", r.text)),
        e.target.text,
        e.event.text,
        duration_words(&e.within),
        counting(e.beginning, "of"),
        anchor_words(step, Some(&e.anchor))
    )
}

fn task_within(step: &StepDecl, t: &TaskDecl) -> Option<String> {
    if let Some(u) = &t.until {
        return Some(format!("Due by `{}`.", crate::format::expression(u)));
    }
    let (duration, anchor) = t.within.as_ref()?;
    Some(format!(
        "Due {} {} {}.",
        duration_words(duration),
        counting(t.within_beginning, "from"),
        anchor_words(step, anchor.as_ref())
    ))
}

fn limit(l: &LimitDecl) -> String {
    if let Some(u) = &l.until {
        return format!(
            "No case should go on after `{}`.",
            crate::format::expression(u)
        );
    }
    format!(
        "No case should take longer than {} {} {}; `redress check` warns when a path can.",
        duration_words(&l.duration),
        counting(l.beginning, "from"),
        match &l.anchor {
            Anchor::Entry(_) => "entry".to_string(),
            Anchor::Event(e) => format!("the latest `{}`", e.text),
            Anchor::Date(e) => format!("`{}`", crate::format::expression(e)),
        }
    )
}

fn inside(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

/// A time limit under the cursor (anywhere on it but its names).
fn timed(p: &ProcedureDecl, offset: usize) -> Option<(String, Span)> {
    for l in &p.limits {
        if inside(l.span, offset) {
            return Some((format!("**limit**\n\n{}", limit(l)), l.span));
        }
    }
    if let Some(words) = time_moves(p, offset) {
        return Some(words);
    }
    if let Some(words) = track_hover(p, offset) {
        return Some(words);
    }
    if let Some(words) = timed_route(p, offset) {
        return Some(words);
    }
    let step = p.steps.iter().find(|s| inside(s.span, offset))?;
    for (di, d) in step.deadlines.iter().enumerate() {
        if inside(d.span, offset) {
            let words = deadline(step, di)?;
            return Some((format!("**deadline** `{}`\n\n{words}", d.name.text), d.span));
        }
    }
    for e in &step.escalations {
        if inside(e.span, offset) {
            return Some((
                format!("**escalation window**\n\n{}", window(step, e)),
                e.span,
            ));
        }
    }
    for t in &step.tasks {
        if inside(t.span, offset) {
            if let Some(words) = task_within(step, t) {
                return Some((format!("**task** `{}`\n\n{words}", t.name.text), t.span));
            }
        }
    }
    let owing = step
        .rejects
        .iter()
        .map(|r| (r, "rejection"))
        .chain(step.refusals.iter().map(|r| (r, "refusal")));
    for (r, what) in owing {
        if let (Some(owed), true) = (&r.notice, inside(r.span, offset)) {
            return Some((owed_words(p, owed, what), r.span));
        }
    }
    None
}

/// `reject … requires notice N within D` in plain words: what is owed, to
/// whom, by when, and what follows when it is not sent.
fn owed_words(p: &ProcedureDecl, owed: &crate::syntax::ast::OwedNoticeDecl, what: &str) -> String {
    let each: Vec<String> = owed
        .notices
        .iter()
        .map(|n| match p.notices.iter().find(|d| d.name.text == n.text) {
            Some(d) if d.includes.is_empty() => format!("`{}` to `{}`", n.text, d.to.text),
            Some(d) => format!(
                "`{}` to `{}`, saying {}",
                n.text,
                d.to.text,
                d.includes
                    .iter()
                    .map(|i| format!("`{}`", i.text))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!("`{}` (not declared)", n.text),
        })
        .collect();
    let when = match &owed.within {
        None => "the same day".to_string(),
        Some(d) => format!("within {} of it", duration_words(d)),
    };
    format!(
        "**{what} explained in writing**\n\nOwed from the day the {what} happens: {}, due {when}. Sent late, or not sent by then, it is a breach; a case at the outcome this leads to is not fully closed until it is sent, and the notice is accepted after the outcome.",
        each.join("; ")
    )
}

/// A track in plain words: what it is, what starts it, and what ends it.
fn track_words(p: &ProcedureDecl, track: &crate::syntax::ast::TrackDecl) -> String {
    let name = &track.body.name.text;
    let starts: Vec<String> = p
        .steps
        .iter()
        .flat_map(|s| {
            s.transitions
                .iter()
                .filter(|t| t.starts.iter().any(|n| &n.text == name))
                .map(move |t| format!("`{}` in step `{}`", t.event.text, s.name.text))
        })
        .collect();
    let started = if starts.is_empty() {
        "Nothing starts it yet: add `starts` to a transition.".to_string()
    } else {
        format!("Started by {}.", starts.join(", "))
    };
    let done: Vec<String> = track
        .done_on
        .iter()
        .map(|d| format!("`{}`", d.event.text))
        .collect();
    format!(
        "**track** `{name}`{}\n\nWork that runs beside the steps: its tasks and deadlines count from the day it starts, and go on after the case moves on or reaches its outcome; the case is fully closed only when it is done. {started} Finished by {}.{}",
        description(track.body.title.as_ref()),
        done.join(" or "),
        cite_line(&track.body.cite)
    )
}

/// Inside a track (its name, a deadline, a task) or on a `starts` name.
fn track_hover(p: &ProcedureDecl, offset: usize) -> Option<(String, Span)> {
    for s in &p.steps {
        for t in &s.transitions {
            for n in &t.starts {
                if inside(n.span, offset) {
                    let track = p.tracks.iter().find(|k| k.body.name.text == n.text)?;
                    return Some((track_words(p, track), n.span));
                }
            }
        }
    }
    let track = p.tracks.iter().find(|t| inside(t.span, offset))?;
    let body = &track.body;
    for (di, d) in body.deadlines.iter().enumerate() {
        if inside(d.span, offset) {
            let words = deadline(body, di)?.replace(
                &format!("entry into step `{}`", body.name.text),
                "the day the track starts",
            );
            return Some((format!("**deadline** `{}`\n\n{words}", d.name.text), d.span));
        }
    }
    for t in &body.tasks {
        if inside(t.span, offset) {
            if let Some(words) = task_within(body, t) {
                let words = words.replace(
                    &format!("entry into step `{}`", body.name.text),
                    "the day the track starts",
                );
                return Some((format!("**task** `{}`\n\n{words}", t.name.text), t.span));
            }
        }
    }
    Some((track_words(p, track), track.body.name.span))
}

/// A route with a window, or one reading `missed`: when it opens and
/// when it closes, which a policy owner cannot see from the line alone.
/// A route in an outcome's block says that only that outcome opens it.
fn timed_route(p: &ProcedureDecl, offset: usize) -> Option<(String, Span)> {
    let (r, after) = p
        .routes
        .iter()
        .chain(p.steps.iter().flat_map(|s| &s.routes))
        .map(|r| (r, None))
        .chain(p.outcomes.iter().flat_map(|o| {
            o.block
                .iter()
                .flat_map(|b| &b.routes)
                .map(move |r| (r, Some(&o.name.text)))
        }))
        .find(|(r, _)| inside(r.span, offset))?;
    let guard = r.guard.as_ref().map(crate::format::expression);
    let reads_missed = guard.as_deref().is_some_and(|g| g.contains("missed "));
    if r.window.is_none() && !reads_missed && after.is_none() {
        return None;
    }
    let open = match after {
        Some(o) => format!("Only once the case has closed with the outcome `{o}`: open"),
        None => "Open".to_string(),
    };
    let mut words = match &guard {
        Some(g) => {
            format!("{open} while `{g}` holds, read on the day asked (in `run`, the as-of date)")
        }
        None => open,
    };
    if reads_missed {
        words.push_str(
            "; `missed D` holds from the day after D falls due unmet in the current visit",
        );
    }
    if let Some((d, a)) = &r.window {
        let from = match a {
            Anchor::Event(n) if n.text == "closed" => {
                "the day the case has its outcome".to_string()
            }
            _ => format!("`{}`", crate::format::anchor_text(a)),
        };
        words.push_str(&format!(
            "; it closes for good {} after {from} (the last day included)",
            duration_words(d)
        ));
    }
    Some((
        format!("**route to** `{}`\n\n{words}.", r.body.text),
        r.span,
    ))
}

/// `fixed`: once given, the fact may not change, and why.
fn fixed_words(fixed: Option<&crate::syntax::ast::FixedDecl>) -> String {
    match fixed {
        Some(f) => match &f.reason {
            Some(why) => format!("\n\nFixed: once given, it may not change ({}).", why.value),
            None => "\n\nFixed: once given, it may not change.".into(),
        },
        None => String::new(),
    }
}

/// `anywhere on`, `on missed` and `on entry when`: moves the procedure
/// makes on a day or an event rather than by a step's own `on` line.
fn time_moves(p: &ProcedureDecl, offset: usize) -> Option<(String, Span)> {
    let when = |guard: &Option<crate::syntax::ast::Expr>| {
        guard.as_ref().map_or(String::new(), |g| {
            format!(" when `{}`", crate::format::expression(g))
        })
    };
    for a in &p.anywhere {
        if inside(a.span, offset) {
            return Some((
                format!(
                    "**anywhere**\n\nIn whichever step the case is (paused or turned away too), `{}`{} ends the case as `{}`; a step's own rule for `{}` wins.",
                    a.event.text,
                    when(&a.guard),
                    a.target.text,
                    a.event.text
                ),
                a.span,
            ));
        }
    }
    let step = p.steps.iter().find(|s| inside(s.span, offset))?;
    for m in &step.missed_moves {
        if inside(m.span, offset) {
            return Some((
                format!(
                    "**on missed**\n\nThe day after deadline `{}`'s due date passes unmet (pauses and extensions counted), the case moves to `{}` by itself.",
                    m.deadline.text, m.target.text
                ),
                m.span,
            ));
        }
    }
    for r in &step.entry_moves {
        if inside(r.span, offset) {
            let target = r
                .target
                .as_ref()
                .map_or(String::new(), |t| format!(" to `{}`", t.text));
            return Some((
                format!(
                    "**on entry**\n\nOn the day the case enters `{}`, if `{}` holds it goes straight on{target}.",
                    step.name.text,
                    crate::format::expression(&r.guard)
                ),
                r.span,
            ));
        }
    }
    None
}

/// A panel in words, as written: "A panel of exactly 3 members, one of
/// whom chairs it."
fn panel_words(p: &crate::syntax::ast::PanelDecl) -> String {
    let size = match p.size {
        crate::syntax::ast::PanelSize::Exactly(n) => format!("exactly {n}"),
        other => crate::format::panel_size(other),
    };
    format!(
        "\n\nA panel of {size} members{}: each event it makes names its members.",
        if p.chair.is_some() {
            ", one of whom chairs it"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"procedure p "P" {
  role officer "Complaints officer" cite "2"
  role tenant "The tenant"
  start first
  step first "First" {
    lead officer
    deadline reply 10 working days from acknowledged, extendable to 20 working days met by replied cite "2.1"
    on acknowledged -> first_wait
  }
  step first_wait "Waiting" {
    lead officer
    on replied -> considered
  }
  step considered "Considered" {
    lead tenant
    escalate to first on appeal by tenant within 3 weeks of entry
    otherwise -> closed
  }
  outcome closed "Closed"
}"#;

    fn at(needle: &str, plus: usize) -> Option<String> {
        let index = Index::parse(TEXT)?;
        let offset = TEXT.find(needle)? + plus;
        hover(&index, TEXT, offset).map(|(text, _)| text)
    }

    /// The hover text `plus` bytes into the first `needle` of `text`.
    fn hover_over(text: &str, needle: &str, plus: usize) -> String {
        let Some(index) = Index::parse(text) else {
            panic!("parses");
        };
        let offset = text.find(needle).map_or(0, |o| o + plus);
        hover(&index, text, offset)
            .map(|(t, _)| t)
            .unwrap_or_default()
    }
    #[test]
    fn a_track_its_deadline_and_what_starts_it_read_in_plain_words() {
        let text = r#"procedure fx "Fixture" {
  role officer "Officer"
  start first
  step first "First" {
    lead officer
    on response_sent starts remedial_actions -> closed
  }
  track remedial_actions "Outstanding remedial actions" {
    deadline repairs 20 working days from entry met by actions_completed
    on actions_completed -> done
  }
  outcome closed "Closed"
}"#;
        let over = |needle: &str, plus: usize| hover_over(text, needle, plus);
        let track = over("starts remedial_actions", 9);
        assert!(track.contains("**track** `remedial_actions`"), "{track}");
        assert!(
            track.contains("Started by `response_sent` in step `first`"),
            "{track}"
        );
        assert!(track.contains("Finished by `actions_completed`"), "{track}");
        let deadline = over("20 working days", 3);
        assert!(
            deadline.contains("20 working days from the day the track starts"),
            "{deadline}"
        );
    }

    #[test]
    fn a_panel_role_says_its_size_and_chair() {
        let text = r#"procedure fx "Fixture" {
  role officer "Officer"
  role panel "Review panel", members at least 2, chair, not also officer
  start first
  step first "First" {
    lead panel
    on done -> closed
  }
  outcome closed "Closed"
}"#;
        let Some(index) = Index::parse(text) else {
            panic!("parses");
        };
        let offset = text.find("lead panel").map_or(0, |o| o + 6);
        let words = hover(&index, text, offset)
            .map(|(t, _)| t)
            .unwrap_or_default();
        assert!(
            words.contains("A panel of at least 2 members, one of whom chairs it"),
            "{words}"
        );
        assert!(
            words.contains("The same person may not also be: `officer`"),
            "{words}"
        );
    }

    #[test]
    fn a_rejection_owing_a_letter_says_what_is_owed_and_when() {
        let text = r#"procedure fx "Fixture" {
  role officer "Officer"
  role tenant "Tenant"
  fact too_old: bool "Too old"
  notice refusal_letter to tenant "Refusal" includes reasons, ombudsman_contact
  start first
  step first "First" {
    lead officer
    reject when too_old "Too old" -> closed requires notice refusal_letter within 5 working days
    refuse when too_old -> closed requires notice refusal_letter
    on done by tenant -> closed
  }
  outcome closed "Closed"
}"#;
        let over = |needle: &str, plus: usize| hover_over(text, needle, plus);
        let reject = over("requires notice refusal_letter within", 2);
        assert!(
            reject.contains("**rejection explained in writing**"),
            "{reject}"
        );
        assert!(
            reject.contains(
                "`refusal_letter` to `tenant`, saying `reasons`, `ombudsman_contact`, due within 5 working days of it"
            ),
            "{reject}"
        );
        let refuse = over("refuse when", 2);
        assert!(
            refuse.contains("**refusal explained in writing**"),
            "{refuse}"
        );
        assert!(refuse.contains("due the same day"), "{refuse}");
    }

    #[test]
    fn a_deadline_reads_in_plain_words() {
        let words = at("10 working days", 3).unwrap_or_default();
        assert!(
            words.contains("10 working days from the latest `acknowledged`, extendable up to 20 working days in all; met by `replied`."),
            "{words}"
        );
    }

    #[test]
    fn a_role_shows_its_title_citation_and_uses() {
        let words = at("lead officer", 6).unwrap_or_default();
        assert_eq!(
            words,
            "**role** `officer`\n\nComplaints officer\n\nCites \"2\".\n\nUsed 2 times."
        );
    }

    #[test]
    fn an_event_lists_every_step_that_receives_it_and_a_built_in_says_what_it_is() {
        let words = at("on replied", 4).unwrap_or_default();
        assert_eq!(
            words,
            "**event** `replied`\n\n- in step `first_wait`, moves the case to `considered`"
        );
        let words = at("from acknowledged", 7).unwrap_or_default();
        assert!(words.starts_with("**event** `acknowledged`"), "{words}");
        let index = Index::parse(&TEXT.replace("of entry", "of received"));
        let text = TEXT.replace("of entry", "of received");
        let offset = text.find("of received").unwrap_or_default() + 4;
        let words = index.and_then(|i| hover(&i, &text, offset)).map(|(w, _)| w);
        assert_eq!(
            words.as_deref(),
            Some("**built-in event** `received`\n\nThe complaint arrives: the first event of every case.")
        );
    }

    #[test]
    fn a_window_says_who_may_escalate_and_where_it_goes_otherwise() {
        let words = at("within 3 weeks", 8).unwrap_or_default();
        assert!(
            words.contains("`tenant` may ask for step `first` (event `appeal`) within 3 weeks of entry into step `considered`. If the window closes unused, the case goes to `closed`."),
            "{words}"
        );
    }

    #[test]
    fn a_setting_used_as_a_duration_says_its_default_and_who_chooses() {
        let text = "procedure p \"P\" {\n  setting window: duration = 20 working days \"How long to ask\"\n  \
                    role r\n  start s\n  step s {\n    lead r\n    deadline d window from entry\n    on e -> done\n  }\n  \
                    outcome done final\n}\n";
        let index = Index::parse(text);
        let offset = text.find("d window").unwrap_or_default() + 3;
        let words = index
            .and_then(|i| hover(&i, text, offset))
            .map(|(w, _)| w)
            .unwrap_or_default();
        assert!(words.starts_with("**setting** `window`"), "{words}");
        assert!(words.contains("by default 20 working days"), "{words}");
    }

    /// Hover over `text` at `needle` plus `plus` characters.
    fn over(text: &str, needle: &str, plus: usize) -> String {
        let offset = text.find(needle).unwrap_or_default() + plus;
        Index::parse(text)
            .and_then(|i| hover(&i, text, offset))
            .map(|(w, _)| w)
            .unwrap_or_default()
    }

    #[test]
    fn time_moves_and_soft_guarded_deadlines_read_in_plain_words() {
        let text = "procedure p \"P\" {\n  role r\n  fact urgent: bool\n  anywhere on court -> done \"Court\"\n  start s\n  step s {\n    lead r\n    \
                    on entry when urgent -> t\n    deadline reply 10 days from entry when urgent, or as soon as practicable met by replied\n    \
                    on missed reply -> t\n    on replied -> done\n  }\n  step t {\n    lead r\n    on e -> done\n  }\n  outcome done final\n}\n";
        let anywhere = over(text, "anywhere", 2);
        assert!(
            anywhere.starts_with("**anywhere**") && anywhere.contains("ends the case as `done`"),
            "{anywhere}"
        );
        let missed = over(text, "on missed", 4);
        assert!(
            missed.contains("The day after deadline `reply`'s due date passes unmet"),
            "{missed}"
        );
        let entry = over(text, "on entry", 3);
        assert!(
            entry.contains("if `urgent` holds it goes straight on to `t`"),
            "{entry}"
        );
        let deadline = over(text, "10 days", 1);
        assert!(
            deadline.contains("It applies only when `urgent`")
                && deadline.contains("late, with reason"),
            "{deadline}"
        );
    }

    #[test]
    fn a_route_with_a_window_says_when_it_opens_and_closes() {
        let text = r#"procedure p "P" {
  role officer "Officer"
  body ombudsman ombudsman "The Ombudsman"
  route to ombudsman when missed reply
  route to ombudsman when closed within 6 months of closed
  start first
  step first "First" {
    lead officer
    deadline reply 10 working days met by replied
    on replied -> done
  }
  outcome done "Done"
}
"#;
        let missed = over(text, "when missed reply", 2);
        assert!(
            missed.contains("`missed D` holds from the day after D falls due unmet"),
            "{missed}"
        );
        let window = over(text, "within 6 months", 3);
        assert!(
            window.contains(
                "it closes for good 6 months after the day the case has its outcome (the last day included)"
            ),
            "{window}"
        );
    }

    #[test]
    fn a_route_in_an_outcome_block_says_only_that_outcome_opens_it() {
        let text = r#"procedure p "P" {
  role officer "Officer"
  body ombudsman ombudsman "The Ombudsman"
  start first
  step first "First" {
    lead officer
    on replied -> upheld
  }
  outcome upheld "Upheld" {
    route to ombudsman within 6 months of closed
  }
}
"#;
        let words = over(text, "within 6 months", 3);
        assert!(
            words.contains("Only once the case has closed with the outcome `upheld`: open")
                && words.contains("6 months after the day the case has its outcome"),
            "{words}"
        );
    }
}
