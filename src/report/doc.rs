//! A procedure as a document for people: each step with its lead, what
//! happens, the timescales, what can happen next, the routes open, and the
//! citation of every statement; a summary table like the Cafcass Appendix.
//! Generated from the same compiled procedure that is enforced, so the
//! published text cannot disagree with it.

use std::fmt::Write;

use crate::check::ir::{
    is_until, Anchor, BodyKind, Builtin, CompareOp, DurationSpec, EventId, Expr, Extension, FactId,
    OutcomeId, Procedure, Refusal, RoleId, RouteKind, Step, Target, Type, Value,
};

use crate::check::words;

pub(super) fn cite(labels: &[String]) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!(" _({})_", labels.join(", "))
    }
}

pub(super) fn role_title(procedure: &Procedure, role: RoleId) -> String {
    procedure
        .roles
        .get(role.index())
        .map(|r| r.title.clone().unwrap_or_else(|| humanize(&r.name)))
        .unwrap_or_default()
}

/// A date as people write it: "1 May 2026".
pub(super) fn date_words(date: chrono::NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The closure periods and closure days of the procedure's own calendar,
/// each a sentence: "Timescales are suspended from 1 May 2026 to 20 May
/// 2026: Cyber incident."
pub(super) fn closure_sentences(procedure: &Procedure) -> Vec<String> {
    let crate::check::ir::CalendarChoice::Declared(i) = procedure.calendar else {
        return Vec::new();
    };
    let Some(spec) = procedure.calendars.get(i) else {
        return Vec::new();
    };
    spec.closed
        .iter()
        .map(|c| {
            let why = if c.title.is_empty() {
                String::new()
            } else {
                format!(": {}", c.title)
            };
            match c.until {
                Some(until) => format!(
                    "Timescales are suspended from {} to {}{why}.",
                    date_words(c.date),
                    date_words(until)
                ),
                None => format!("The offices are closed on {}{why}.", date_words(c.date)),
            }
        })
        .collect()
}

/// A setting's value in words: "20 working days", "yes", "1 May 2026".
pub(super) fn value_in_words(
    _procedure: &Procedure,
    ty: &crate::check::ir::Type,
    value: &crate::check::ir::Value,
) -> String {
    use crate::check::ir::{Type, Value};
    match (ty, value) {
        (_, Value::Duration(amount, unit)) => crate::check::describe_duration(*amount, *unit),
        (_, Value::Bool(true)) => "yes".into(),
        (_, Value::Bool(false)) => "no".into(),
        (_, Value::Date(d)) => date_words(*d),
        (Type::Enum(values), Value::Enum(i)) => values
            .get(*i as usize)
            .map(|v| humanize(v))
            .unwrap_or_default(),
        (_, Value::Enum(i)) => i.to_string(),
        (_, Value::Text(t)) => format!("“{t}”"),
    }
}

/// The settings and the values in force, and whose they are.
fn settings_section(out: &mut String, procedure: &Procedure) {
    if procedure.settings.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Settings
"
    );
    let chosen: Vec<&str> = procedure
        .settings
        .iter()
        .filter_map(|s| s.from.as_deref())
        .collect();
    match chosen.first() {
        Some(file) => {
            let _ = writeln!(
                out,
                "Each organisation may choose these values. This document uses the organisation's values from `{file}` where it gives one.\n"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "Each organisation may choose these values in a settings file; this document shows the procedure's defaults.\n"
            );
        }
    }
    let _ = writeln!(out, "| Setting | Value | Default | Meaning |");
    let _ = writeln!(out, "|---|---|---|---|");
    for setting in &procedure.settings {
        let Some(fact) = procedure.facts.get(setting.fact.index()) else {
            continue;
        };
        let value = value_in_words(procedure, &fact.ty, &setting.value);
        let value = if setting.from.is_some() && setting.value != setting.default {
            format!("{value} (the organisation's)")
        } else {
            value
        };
        let _ = writeln!(
            out,
            "| `{}` | {value} | {} | {}{} |",
            fact.name,
            value_in_words(procedure, &fact.ty, &setting.default),
            fact.title.clone().unwrap_or_default(),
            cite(&fact.cites)
        );
    }
    let _ = writeln!(out);
}

/// Whose bank holidays a calendar leaves out: "in England and Wales", or
/// "of the `offices` calendar" for one the procedure declares.
pub(super) fn calendar_words(procedure: &Procedure) -> String {
    match procedure.calendar_name() {
        "england-and-wales" => "in England and Wales".to_string(),
        "scotland" => "in Scotland".to_string(),
        "northern-ireland" => "in Northern Ireland".to_string(),
        other => format!("of the `{other}` calendar"),
    }
}

/// A name as words: `response_sent` becomes "response sent".
pub(super) fn humanize(name: &str) -> String {
    name.replace('_', " ")
}

/// A title made to continue a sentence: "The complaint was…" becomes
/// "the complaint was…", but a proper noun ("Cafcass did not…") keeps its
/// capital.
pub(super) fn lower_first(text: &str) -> String {
    const COMMON: [&str; 12] = [
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
        "Another",
        "Line",
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

/// The first letter in capitals, to open a sentence.
pub(super) fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether a name takes no article: a possessive ("BABICM's appeal
/// process") or an acronym or proper name standing first ("BABICM",
/// "Cafcass Cymru").
fn takes_no_article(title: &str) -> bool {
    let first = title.split_whitespace().next().unwrap_or_default();
    let first = first.trim_end_matches([',', ':']);
    first.ends_with("'s")
        || first.ends_with("s'")
        || (first.len() > 1 && first.chars().all(|c| c.is_ascii_uppercase()))
        || first.starts_with("Cafcass")
}

/// "the line manager, usually the Service Manager", without doubling an
/// article the title already has, and without one before "BABICM's".
pub(super) fn the_role(procedure: &Procedure, role: RoleId) -> String {
    let title = lower_first(&role_title(procedure, role));
    if title.starts_with("the ") || takes_no_article(&title) {
        title
    } else {
        format!("the {title}")
    }
}

/// An organisation's name as it stands in a sentence: "the Local
/// Government and Social Care Ombudsman", "the police", "Cafcass Cymru",
/// "independent legal advice".
pub(super) fn body_name(title: &str) -> String {
    const INSTITUTIONS: [&str; 11] = [
        "Ombudsman",
        "Commission",
        "Service",
        "Society",
        "Authority",
        "Inspectorate",
        "Council",
        "Office",
        "Agency",
        "Tribunal",
        "Board",
    ];
    let title = lower_first(title);
    let named = title.split(':').next().unwrap_or(&title);
    if title.starts_with("the ")
        || takes_no_article(&title)
        || !INSTITUTIONS.iter().any(|w| named.contains(w))
    {
        title
    } else {
        format!("the {title}")
    }
}

/// An event as people say it. Events carry no description in the
/// procedure, so their name is given in words, in quotation marks.
pub(super) fn event_words(procedure: &Procedure, event: EventId) -> String {
    procedure
        .events
        .get(event.index())
        .map(|e| format!("“{}”", humanize(&e.name)))
        .unwrap_or_default()
}

/// A duration as people say it: "20 working days", or the description of
/// the `duration` fact that gives it.
pub(super) fn duration_words(procedure: &Procedure, spec: DurationSpec) -> String {
    match spec {
        // A setting has one value for every case: say it, as a fixed time
        // would be said (the leaflet names nothing from the .proc file;
        // the staff document's Settings table says which are settings).
        DurationSpec::Fact(f) if procedure.setting(f).is_some() => procedure
            .setting(f)
            .zip(procedure.facts.get(f.index()))
            .map(|(setting, fact)| value_in_words(procedure, &fact.ty, &setting.value))
            .unwrap_or_default(),
        DurationSpec::Fact(f) => procedure
            .facts
            .get(f.index())
            .map(|fact| match &fact.title {
                Some(t) => lower_first(t),
                None => humanize(&fact.name),
            })
            .unwrap_or_default(),
        fixed => words::duration(procedure, fixed),
    }
}

/// A value of a choice as people say it: the organisation or step it
/// names where it names one ("Courts Service", "Step 2: Investigation"),
/// a UK nation with its capitals, else the name in words.
fn value_words(procedure: &Procedure, value: &str) -> String {
    if let Some(body) = procedure.bodies.iter().find(|b| b.name == value) {
        let title = body.title.split(':').next().unwrap_or(&body.title);
        return title.trim().to_string();
    }
    if let Some(step) = procedure.steps.iter().find(|s| s.name == value) {
        return format!("“{}”", step_title(step));
    }
    match value {
        "england" => "England".into(),
        "wales" => "Wales".into(),
        "scotland" => "Scotland".into(),
        "northern_ireland" => "Northern Ireland".into(),
        other => humanize(other),
    }
}

/// "another provider …" without its article, for "there is no provider …".
fn without_article(text: &str) -> &str {
    ["another ", "an ", "a ", "the "]
        .iter()
        .find_map(|a| text.strip_prefix(a))
        .unwrap_or(text)
}

/// A condition in words, from the descriptions of its facts: a yes/no
/// fact is its own sentence ("the complaint was submitted in an abusive
/// manner"); a choice is named in quotation marks with its value ("“Who
/// is making the complaint” is child or young person").
pub(super) fn condition_words(
    procedure: &Procedure,
    expr: &Expr,
    event: Option<EventId>,
) -> String {
    let params = event
        .and_then(|e| procedure.events.get(e.index()))
        .map_or(&[][..], |e| e.params.as_slice());
    let fact_text = |f: FactId| {
        procedure
            .facts
            .get(f.index())
            .map_or(String::new(), |fact| {
                fact.title
                    .as_deref()
                    .map_or_else(|| humanize(&fact.name), lower_first)
            })
    };
    // The description of what a choice is about, and how to name it.
    let subject = |e: &Expr| -> Option<(String, String)> {
        match e {
            Expr::Fact(f) => procedure.facts.get(f.index()).map(|fact| {
                let title = fact.title.clone().unwrap_or_else(|| humanize(&fact.name));
                (format!("“{title}”"), lower_first(&title))
            }),
            Expr::Param(p) => params.get(*p as usize).map(|p| {
                let name = humanize(&p.name);
                (format!("“{name}”"), name)
            }),
            _ => None,
        }
    };
    let values_of = |e: &Expr| -> Vec<String> {
        let ty = match e {
            Expr::Fact(f) => procedure.facts.get(f.index()).map(|f| &f.ty),
            Expr::Param(p) => params.get(*p as usize).map(|p| &p.ty),
            _ => None,
        };
        match ty {
            Some(Type::Enum(values)) => values.clone(),
            _ => Vec::new(),
        }
    };
    let fallback = || format!("`{}`", words::guard(procedure, expr, event));
    match expr {
        Expr::Fact(f) => fact_text(*f),
        Expr::Param(p) => subject(&Expr::Param(*p)).map_or_else(fallback, |(quoted, _)| quoted),
        Expr::Const(Value::Bool(b)) => if *b { "always" } else { "never" }.to_string(),
        Expr::Closed => "the case has its outcome".to_string(),
        Expr::Missed(d) => format!("the deadline “{d}” has passed unmet"),
        Expr::Not(e) => match e.as_ref() {
            Expr::Fact(_) | Expr::Param(_) => {
                format!("it is not so that {}", condition_words(procedure, e, event))
            }
            _ => fallback(),
        },
        Expr::And(a, b) => format!(
            "{} and {}",
            condition_words(procedure, a, event),
            condition_words(procedure, b, event)
        ),
        Expr::Or(a, b) => format!(
            "{}, or {}",
            condition_words(procedure, a, event),
            condition_words(procedure, b, event)
        ),
        Expr::Compare(op @ (CompareOp::Eq | CompareOp::Ne), a, b) => {
            let (Some((quoted, plain)), Expr::Const(Value::Enum(i))) = (subject(a), b.as_ref())
            else {
                return fallback();
            };
            let Some(value) = values_of(a).get(*i as usize).cloned() else {
                return fallback();
            };
            // "none" is the absence of what the choice is about.
            match (value.as_str(), op) {
                ("none", CompareOp::Ne) => format!("there is {plain}"),
                ("none", _) => format!("there is no {}", without_article(&plain)),
                (_, CompareOp::Eq) => format!("{quoted} is {}", value_words(procedure, &value)),
                _ => format!("{quoted} is not {}", value_words(procedure, &value)),
            }
        }
        Expr::In(e, set) => {
            let values = values_of(e);
            let Some((quoted, _)) = subject(e) else {
                return fallback();
            };
            let chosen: Vec<String> = set
                .iter()
                .filter_map(|i| values.get(*i as usize))
                .map(|v| value_words(procedure, v))
                .collect();
            format!("{quoted} is {}", or_list(&chosen))
        }
        Expr::Compare(op, a, b) => {
            let (Some(a), Some(b)) = (
                date_expr_words(procedure, a, params),
                date_expr_words(procedure, b, params),
            ) else {
                return fallback();
            };
            let relation = match op {
                CompareOp::Lt => "is before",
                CompareOp::Le => "is on or before",
                CompareOp::Gt => "is after",
                CompareOp::Ge => "is on or after",
                CompareOp::Eq => "is",
                CompareOp::Ne => "is not",
            };
            format!("{a} {relation} {b}")
        }
        _ => fallback(),
    }
}

/// A date in a condition in words ("the later of “When the events
/// happened” and “When you became aware”, plus 12 months"); `None` when
/// the expression is not a date.
fn date_expr_words(
    procedure: &Procedure,
    expr: &Expr,
    params: &[crate::check::ir::Param],
) -> Option<String> {
    Some(match expr {
        Expr::Const(Value::Date(d)) => d.to_string(),
        Expr::Fact(f) => {
            let fact = procedure.facts.get(f.index())?;
            if fact.ty != Type::Date {
                return None;
            }
            format!(
                "“{}”",
                fact.title.clone().unwrap_or_else(|| humanize(&fact.name))
            )
        }
        Expr::Param(p) => {
            let param = params.get(*p as usize)?;
            if param.ty != Type::Date {
                return None;
            }
            format!("“{}”", humanize(&param.name))
        }
        Expr::Received => "the day the complaint was received".to_string(),
        Expr::Today => "today".to_string(),
        Expr::DateOf(e) => format!(
            "the day of “{}”",
            procedure
                .events
                .get(e.index())
                .map_or(String::new(), |e| humanize(&e.name))
        ),
        Expr::Shift { date, back, by } => {
            let by = match by.as_ref() {
                Expr::Const(Value::Duration(n, unit)) => crate::check::describe_duration(*n, *unit),
                Expr::Fact(f) => format!(
                    "“{}”",
                    procedure.facts.get(f.index()).map_or(String::new(), |f| f
                        .title
                        .clone()
                        .unwrap_or_else(|| humanize(&f.name)))
                ),
                _ => return None,
            };
            let sign = if *back { "minus" } else { "plus" };
            format!("{} {sign} {by}", date_expr_words(procedure, date, params)?)
        }
        Expr::Extreme(latest, dates) => {
            let named: Option<Vec<String>> = dates
                .iter()
                .map(|d| date_expr_words(procedure, d, params))
                .collect();
            let named = named?;
            let (init, last) = named.split_at(named.len().saturating_sub(1));
            format!(
                "the {} of {} and {}",
                if *latest { "later" } else { "earlier" },
                init.join(", "),
                last.join("")
            )
        }
        _ => return None,
    })
}

/// "a", "a or b", "a, b or c".
pub(super) fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A guard in words, after the construct it qualifies: "when …", or
/// "unless …" for a yes/no fact that must not hold.
fn condition(procedure: &Procedure, expr: &Expr) -> String {
    match expr {
        Expr::Not(e) if matches!(e.as_ref(), Expr::Fact(_)) => {
            format!("unless {}", condition_words(procedure, e, None))
        }
        _ => format!("when {}", condition_words(procedure, expr, None)),
    }
}

pub(super) fn step_title(step: &Step) -> String {
    step.title.clone().unwrap_or_else(|| humanize(&step.name))
}

/// `requires notice A, B` in words: the letters that must have gone
/// first and what each must say, so a case handler can check them before
/// acting.
fn notices_first(procedure: &Procedure, names: &[String]) -> String {
    let each: Vec<String> = names
        .iter()
        .filter_map(|name| notice_first(procedure, name))
        .collect();
    match each.as_slice() {
        [] => String::new(),
        [one] => format!(", only once this has been sent: {one}"),
        several => format!(", only once these have been sent: {}", several.join("; ")),
    }
}

fn notice_first(procedure: &Procedure, name: &str) -> Option<String> {
    let n = procedure.notices.iter().find(|n| n.name == name)?;
    let title = n.title.clone().unwrap_or_else(|| humanize(&n.name));
    let says = if n.includes.is_empty() {
        String::new()
    } else {
        let items: Vec<String> = n.includes.iter().map(|i| humanize(i)).collect();
        format!(", saying {}", items.join(", "))
    };
    Some(format!(
        "“{title}” (`{}`) to {}{says}",
        n.name,
        the_role(procedure, n.to)
    ))
}

pub(super) fn task_title(task: &crate::check::ir::Task) -> String {
    task.title.clone().unwrap_or_else(|| humanize(&task.name))
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
    let written = owed_notices(procedure, r);
    let _ = writeln!(
        out,
        "- {opening} {}{reason}.{then}{written}{}",
        condition(procedure, &r.guard),
        cite(&r.cites)
    );
}

/// " Explained in writing, the same day: “Refusal letter” (`refusal_letter`)
/// to the resident, saying …": the notices a `reject` or `refuse` owes.
pub(super) fn owed_notices(procedure: &Procedure, r: &Refusal) -> String {
    let Some(owed) = &r.notice else {
        return String::new();
    };
    let each: Vec<String> = owed
        .notices
        .iter()
        .filter_map(|name| notice_first(procedure, name))
        .collect();
    format!(
        " Explained in writing, {}: {}.",
        owed_when(procedure, owed),
        each.join("; ")
    )
}

/// "the same day", or "within 5 working days".
pub(super) fn owed_when(procedure: &Procedure, owed: &crate::check::ir::OwedNotice) -> String {
    match owed.within {
        None => "the same day".to_string(),
        Some(d) => format!("within {}", duration_words(procedure, d)),
    }
}

pub(super) fn outcome_text(procedure: &Procedure, outcome: OutcomeId) -> String {
    procedure
        .outcomes
        .get(outcome.index())
        .map(|o| o.text.clone().unwrap_or_else(|| humanize(&o.name)))
        .unwrap_or_default()
}

pub(super) fn target_title(procedure: &Procedure, target: Target) -> String {
    match target {
        Target::Step(s) => procedure
            .steps
            .get(s.index())
            .map(|s| format!("**{}**", step_title(s)))
            .unwrap_or_default(),
        Target::Outcome(o) => format!("the outcome **{}**", outcome_text(procedure, o)),
    }
}

/// Whether `step` is where every case starts.
pub(super) fn is_start(procedure: &Procedure, step: &Step) -> bool {
    procedure
        .steps
        .get(procedure.start.index())
        .is_some_and(|s| s.name == step.name)
}

/// "of receiving the complaint", "of the case reaching this step",
/// "of “step3 requested”".
fn from_phrase(procedure: &Procedure, step: &Step, anchor: Anchor) -> String {
    match anchor {
        Anchor::Entry if is_start(procedure, step) => "of receiving the complaint".to_string(),
        Anchor::Entry => "of the case reaching this step".to_string(),
        Anchor::Event(e) if Builtin::of(e) == Some(Builtin::Received) => {
            "of receiving the complaint".to_string()
        }
        Anchor::Event(e) if procedure.events.get(e.index()).is_some() => {
            format!("of {}", event_words(procedure, e))
        }
        Anchor::Event(_) => String::new(),
        Anchor::Fact(f) => procedure.facts.get(f.index()).map_or(String::new(), |f| {
            format!(
                "of “{}”",
                f.title.clone().unwrap_or_else(|| humanize(&f.name))
            )
        }),
        Anchor::Date(i) => procedure
            .dates
            .get(i as usize)
            .and_then(|e| date_expr_words(procedure, e, &[]))
            .map_or(String::new(), |w| format!("of {w}")),
    }
}

/// "within 20 working days of receiving the complaint", "within 6 months
/// beginning with the day of …", or "by “agreed response date”" for
/// `until`.
fn period_words(
    procedure: &Procedure,
    step: &Step,
    duration: DurationSpec,
    anchor: Anchor,
    beginning: bool,
) -> String {
    if is_until(duration, anchor) {
        let date = from_phrase(procedure, step, anchor);
        return format!("by {}", date.strip_prefix("of ").unwrap_or(&date));
    }
    format!(
        "within {} {}",
        duration_words(procedure, duration),
        beginning_phrase(from_phrase(procedure, step, anchor), beginning)
    )
}

/// "beginning with the day of receiving the complaint" where the anchor day
/// counts (`beginning with`), else the phrase as it is.
fn beginning_phrase(phrase: String, beginning: bool) -> String {
    match phrase.strip_prefix("of ") {
        Some(rest) if beginning => format!("beginning with the day of {rest}"),
        _ => phrase,
    }
}

/// ", extendable by agreement" or ", extendable to 65 working days": only
/// what the procedure says, never "agreed" where it sets a ceiling alone.
fn extension_words(procedure: &Procedure, extension: &Extension) -> String {
    match extension {
        Extension::None => String::new(),
        Extension::ByAgreement => ", extendable by agreement".to_string(),
        Extension::UpTo(limit) => format!(", extendable to {}", duration_words(procedure, *limit)),
    }
}

fn deadline_sentence(procedure: &Procedure, step: &Step, d: &crate::check::ir::Deadline) -> String {
    let met = if d.met_by.is_empty() {
        "met when the case leaves this step".to_string()
    } else {
        let events: Vec<String> = d
            .met_by
            .iter()
            .map(|e| event_words(procedure, *e))
            .collect();
        format!("met by {}", or_list(&events))
    };
    format!(
        "**{}** ({met}): {}{}.",
        upper_first(&humanize(&d.name)),
        period_words(procedure, step, d.duration, d.anchor, d.beginning),
        extension_words(procedure, &d.extension)
            + &super::doc_duties::extension_rule_words(procedure, &d.extension_rules)
    )
}

/// The whole document, for the staff who run the procedure.
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
    let begins = procedure.steps.iter().any(|s| {
        s.deadlines.iter().any(|d| d.beginning)
            || s.tasks.iter().any(|t| t.within_beginning)
            || s.escalations.iter().any(|e| e.beginning)
    }) || procedure.limit.as_ref().is_some_and(|l| l.beginning);
    let counted = if begins {
        "the day a time limit starts from is not counted, except where it runs \"beginning with\" that day: then that day is the first day (in working days, when it is a working day)"
    } else {
        "the day a time limit starts from is never counted"
    };
    let _ = writeln!(
        out,
        "\nTime limits in working days count Monday to Friday, leaving out bank holidays {}; {counted}.\n",
        calendar_words(procedure)
    );
    for sentence in closure_sentences(procedure) {
        let _ = writeln!(out, "{sentence}\n");
    }
    for note in &procedure.notes {
        let _ = writeln!(out, "> {}{}\n", note.text, cite(&note.cites));
    }

    summary(&mut out, procedure);
    settings_section(&mut out, procedure);

    for step in &procedure.steps {
        step_section(&mut out, procedure, step);
    }

    if !procedure.anywhere.is_empty() {
        let _ = writeln!(out, "## At any stage\n");
        for a in &procedure.anywhere {
            let when = a
                .guard
                .as_ref()
                .map(|g| format!(", {}", condition(procedure, g)))
                .unwrap_or_default();
            let reason = a
                .reason
                .as_deref()
                .map(|r| format!(" {r}."))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- On {}{when}, the case ends at whatever step it has reached: {}.{reason}{}",
                event_words(procedure, a.event),
                outcome_text(procedure, a.target),
                cite(&a.cites)
            );
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "## How a complaint can end\n");
    for o in procedure.declared_outcomes() {
        let text = o.text.clone().unwrap_or_else(|| humanize(&o.name));
        // Some outcomes already say so in their own words.
        let fin = if o.is_final && !text.contains("final point") {
            " This is the final point of the procedure."
        } else {
            ""
        };
        let _ = writeln!(out, "- {text}.{fin}{}", cite(&o.cites));
        for r in &o.routes {
            let _ = writeln!(out, "  - {}", outcome_route_sentence(procedure, o, r));
        }
        for note in &o.notes {
            let _ = writeln!(out, "  - _{}_{}", note.text, cite(&note.cites));
        }
    }
    let _ = writeln!(out);

    if !procedure.bodies.is_empty() {
        let _ = writeln!(out, "## Other organisations\n");
        let _ = writeln!(out, "| Organisation | Kind | Where it applies |");
        let _ = writeln!(out, "|---|---|---|");
        for (i, body) in procedure.bodies.iter().enumerate() {
            let mut places: Vec<String> = Vec::new();
            for r in procedure.routes.iter().filter(|r| r.body.index() == i) {
                // One that reads `closed` is for after the outcome, not
                // for "any point" of the case.
                if r.guard == Some(crate::check::ir::Expr::Closed) {
                    let bare = crate::check::ir::Route {
                        guard: None,
                        ..r.clone()
                    };
                    places.push(route_phrase(procedure, &bare, "after the outcome"));
                    continue;
                }
                let place = if r.guard.as_ref().is_some_and(|g| g.reads_closed()) {
                    "after the outcome"
                } else {
                    "at any point"
                };
                places.push(route_phrase(procedure, r, place));
            }
            for o in &procedure.outcomes {
                for r in o.routes.iter().filter(|r| r.body.index() == i) {
                    places.push(route_phrase(
                        procedure,
                        r,
                        &format!("if the outcome is {}", humanize(&o.name)),
                    ));
                }
            }
            for step in &procedure.steps {
                for r in step.routes.iter().filter(|r| r.body.index() == i) {
                    places.push(route_phrase(
                        procedure,
                        r,
                        &format!("during “{}”", step_title(step)),
                    ));
                }
            }
            let _ = writeln!(
                out,
                "| {}{} | {} | {} |",
                body.title,
                cite(&body.cites),
                body.kind.map(kind_words).unwrap_or_default(),
                places.join("; ")
            );
        }
        let _ = writeln!(out);
    }
    super::doc_duties::sections(&mut out, procedure);
    out
}

/// What sort of organisation a body is, in words.
pub(super) fn kind_words(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::Ombudsman => "ombudsman",
        BodyKind::Regulator => "regulator",
        BodyKind::ProfessionalBody => "professional body",
        BodyKind::Police => "police",
        BodyKind::Safeguarding => "safeguarding",
        BodyKind::Legal => "legal advice",
        BodyKind::Internal => "internal",
        BodyKind::Other => "other",
    }
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
    let due = super::doc_duties::referral_due_words(procedure, route);
    let window = route
        .window
        .as_ref()
        .map(|w| format!(", {}", window_words(procedure, w)))
        .unwrap_or_default();
    format!("{how} {place}{when}{due}{window}{}", cite(&route.cites))
}

/// A route of an outcome's block as a sentence for staff: "If the outcome
/// is upheld, the complainant may go to The Ombudsman within 6 months of
/// the outcome."
fn outcome_route_sentence(
    procedure: &Procedure,
    outcome: &crate::check::ir::Outcome,
    route: &crate::check::ir::Route,
) -> String {
    let body = procedure
        .bodies
        .get(route.body.index())
        .map(|b| b.title.clone())
        .unwrap_or_default();
    // `closed` alone adds nothing: the outcome has been reached.
    let when = match &route.guard {
        None | Some(Expr::Closed) => String::new(),
        Some(g) => format!(" {}", condition(procedure, g)),
    };
    let window = match &route.window {
        None => String::new(),
        Some(w) => {
            let from = match w.anchor {
                crate::check::ir::WindowAnchor::Closed => "the outcome".to_string(),
                crate::check::ir::WindowAnchor::Anchor(a) => {
                    format!("`{}`", words::anchor(procedure, a))
                }
            };
            format!(
                " within {} of {from}",
                duration_words(procedure, w.duration)
            )
        }
    };
    format!(
        "If the outcome is {}, the complainant may go to {body}{window}{when}.{}",
        humanize(&outcome.name),
        cite(&route.cites)
    )
}

/// A route's window in plain words: "for 6 months after the case has its
/// outcome", "for 1 year after `received`".
pub(super) fn window_words(
    procedure: &Procedure,
    window: &crate::check::ir::RouteWindow,
) -> String {
    let from = match window.anchor {
        crate::check::ir::WindowAnchor::Closed => "the case has its outcome".to_string(),
        crate::check::ir::WindowAnchor::Anchor(a) => {
            format!("`{}`", words::anchor(procedure, a))
        }
    };
    format!(
        "for {} after {from}",
        duration_words(procedure, window.duration)
    )
}

/// One row a step: tasks, time limits and windows each in their own
/// column, so that a time the organisation must meet is never read as one
/// the complainant has.
fn summary(out: &mut String, procedure: &Procedure) {
    let _ = writeln!(out, "## Summary\n");
    let _ = writeln!(
        out,
        "| Step | Lead | Tasks | Time limit | Window to ask for the next step |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    let cell = |items: Vec<String>| {
        if items.is_empty() {
            "—".to_string()
        } else {
            items.join("; ")
        }
    };
    for step in &procedure.steps {
        let tasks: Vec<String> = step.tasks.iter().map(task_title).collect();
        let limits: Vec<String> = step
            .deadlines
            .iter()
            .map(|d| {
                let length = if is_until(d.duration, d.anchor) {
                    "until a date".to_string()
                } else {
                    duration_words(procedure, d.duration)
                };
                format!(
                    "{}: {length}{}",
                    humanize(&d.name),
                    extension_words(procedure, &d.extension)
                )
            })
            .collect();
        let windows: Vec<String> = step
            .escalations
            .iter()
            .map(|e| {
                let to = procedure
                    .steps
                    .get(e.target.index())
                    .map(step_title)
                    .unwrap_or_default();
                format!(
                    "{to}: {}",
                    period_words(procedure, step, e.within, e.anchor, e.beginning)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            step_title(step),
            role_title(procedure, step.lead),
            cell(tasks),
            cell(limits),
            cell(windows)
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

    for m in &step.entry_moves {
        exit_line(out, procedure, "The case goes straight on", m, "");
    }
    if !step.entry_moves.is_empty() {
        let _ = writeln!(out);
    }

    if !step.tasks.is_empty() {
        let _ = writeln!(out, "What happens:\n");
        for t in &step.tasks {
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
                        ", {}",
                        period_words(procedure, step, d, a, t.within_beginning)
                    )
                })
                .unwrap_or_default();
            let notice = notices_first(procedure, &t.notices);
            let _ = writeln!(
                out,
                "- {}{by}{when}{within}{notice}.{}",
                task_title(t),
                cite(&t.cites)
            );
        }
        let _ = writeln!(out);
    }

    if !step.deadlines.is_empty() || !step.pauses.is_empty() {
        let _ = writeln!(out, "Time limits:\n");
        for d in &step.deadlines {
            let only = d
                .guard
                .as_ref()
                .map(|g| match g {
                    Expr::Not(inner) => format!(
                        " It does not apply if {}.",
                        lower_first(&condition_words(procedure, inner, None))
                    ),
                    _ => format!(
                        " It applies only if {}.",
                        lower_first(&condition_words(procedure, g, None))
                    ),
                })
                .unwrap_or_default();
            let soft = if d.soft {
                " Or as soon as practicable: met late with a recorded reason, it is not a breach."
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "- {}{only}{soft}{}",
                deadline_sentence(procedure, step, d),
                cite(&d.cites)
            );
        }
        for p in &step.pauses {
            let consent = p
                .consent_of
                .map(|r| format!(", with the agreement of {}", the_role(procedure, r)))
                .unwrap_or_default();
            let only = p
                .guard
                .as_ref()
                .map(|g| format!(", {}", condition(procedure, g)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- The time limits may be paused for {}{consent}{only}; the time paused does not count.{}",
                humanize(&p.name),
                cite(&p.cites)
            );
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "What can happen next:\n");
    let here = procedure.step_named(&step.name);
    for t in &step.transitions {
        let by =
            t.by.map(|r| {
                let all: Vec<String> = std::iter::once(r)
                    .chain(t.also_by.iter().copied())
                    .map(|r| the_role(procedure, r))
                    .collect();
                let joint = if t.also_by.is_empty() { "" } else { " jointly" };
                format!(" by {}{joint}", all.join(" and "))
            })
            .unwrap_or_default();
        let when = t
            .guard
            .as_ref()
            .map(|g| format!(", when {}", condition_words(procedure, g, Some(t.event))))
            .unwrap_or_default();
        let dest = if here.is_some_and(|h| t.target == Target::Step(h)) {
            let reopened: Vec<String> = t
                .reopens
                .iter()
                .filter_map(|i| step.tasks.get(*i as usize).map(task_title))
                .collect();
            if reopened.is_empty() {
                "the case stays in this step".to_string()
            } else {
                format!(
                    "the case stays in this step, to be done again: {}",
                    reopened.join("; ")
                )
            }
        } else {
            format!("the case moves to {}", target_title(procedure, t.target))
        };
        let notice = notices_first(procedure, &t.notices);
        let _ = writeln!(
            out,
            "- On {}{by}{when}{notice}, {dest}.{}",
            event_words(procedure, t.event),
            cite(&t.cites)
        );
    }
    for e in &step.escalations {
        let who =
            e.by.map(|r| upper_first(&the_role(procedure, r)))
                .unwrap_or_else(|| "A party".to_string());
        let to = procedure
            .steps
            .get(e.target.index())
            .map(step_title)
            .unwrap_or_default();
        let only = e
            .guard
            .as_ref()
            .map(|g| format!(", {}", condition(procedure, g)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- {who} may ask for **{to}** ({}) {}{only}.{}",
            event_words(procedure, e.event),
            period_words(procedure, step, e.within, e.anchor, e.beginning),
            cite(&e.cites)
        );
    }
    for m in &step.missed_moves {
        let name = step
            .deadlines
            .get(m.deadline)
            .map_or_else(String::new, |d| humanize(&d.name));
        let _ = writeln!(
            out,
            "- If the {} time limit passes without being met, the case moves to {} the day after, by itself.{}",
            name.to_lowercase(),
            target_title(procedure, m.target),
            cite(&m.cites)
        );
    }
    for o in &step.otherwise_when {
        let _ = writeln!(
            out,
            "- If no request is made in time and {}, the case moves to {} the day after the time runs out.{}",
            lower_first(&condition_words(procedure, &o.guard, None)),
            o.target
                .map(|t| target_title(procedure, t))
                .unwrap_or_default(),
            cite(&o.cites)
        );
    }
    if let Some(o) = &step.otherwise {
        let opening = if step.otherwise_when.is_empty() {
            "If"
        } else {
            "Otherwise, if"
        };
        let _ = writeln!(
            out,
            "- {opening} no request is made in time, the case moves to {} the day after the time runs out.{}",
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
                .map(|b| body_name(&b.title))
                .unwrap_or_default();
            let how = match r.kind {
                RouteKind::Open => "The complainant may take the complaint to",
                RouteKind::Referral => "It is referred at once to",
            };
            let when = r
                .guard
                .as_ref()
                .map(|g| format!(", {}", condition(procedure, g)))
                .unwrap_or_default();
            let due = super::doc_duties::referral_due_words(procedure, r);
            let _ = writeln!(out, "- {how} {body}{when}{due}.{}", cite(&r.cites));
        }
        let _ = writeln!(out);
    }

    for note in &step.notes {
        let _ = writeln!(out, "> {}{}\n", note.text, cite(&note.cites));
    }
}
