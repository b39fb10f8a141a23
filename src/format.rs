//! The canonical layout of a `.proc` file, printed from its AST.
//!
//! Items keep their order; each construct takes one line, indented two
//! spaces a level; steps and calendars are blocks separated by blank
//! lines; role and body names are aligned within a run of declarations; a
//! blank line the author left between items is kept (at most one).
//! Comments are taken from the source and put back: a comment on a line of
//! its own stays before the item it preceded, a comment after an item on
//! the same line stays at the end of that line. Formatting never changes
//! what the procedure means (the tests compare the compiled procedures).

use crate::syntax::ast::*;

/// The formatted text, or `None` when the file does not parse (formatting
/// would lose what it cannot read).
pub fn format_source(source: &str) -> Option<String> {
    let (file, errors) = crate::syntax::parse(source);
    if !errors.is_empty() {
        return None;
    }
    let procedure = file?.procedure?;
    let mut printer = Printer {
        source,
        comments: comments(source),
        next_comment: 0,
        out: String::new(),
        last_end: 0,
    };
    printer.procedure(&procedure);
    Some(printer.out)
}

/// A `//` comment in the source.
struct Comment {
    start: usize,
    end: usize,
    /// Nothing but white space before it on its line.
    own_line: bool,
}

/// Every comment, with whether it stands on a line of its own.
fn comments(source: &str) -> Vec<Comment> {
    let mut found = Vec::new();
    crate::syntax::scan::regions(source, |region, start, end| {
        if region == crate::syntax::scan::Region::Comment {
            let line_start = source[..start].rfind('\n').map_or(0, |n| n + 1);
            found.push(Comment {
                start,
                end,
                own_line: source[line_start..start].trim().is_empty(),
            });
        }
    });
    found
}

fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn unit_words(amount: i64, unit: Unit) -> &'static str {
    let one = amount == 1;
    match (unit, one) {
        (Unit::WorkingDays, true) => "working day",
        (Unit::WorkingDays, false) => "working days",
        (Unit::Days, true) => "day",
        (Unit::Days, false) => "days",
        (Unit::Weeks, true) => "week",
        (Unit::Weeks, false) => "weeks",
        (Unit::Months, true) => "month",
        (Unit::Months, false) => "months",
        (Unit::Years, true) => "year",
        (Unit::Years, false) => "years",
    }
}

fn duration(d: &Duration) -> String {
    match d {
        Duration::Literal { amount, unit, .. } => {
            format!("{amount} {}", unit_words(*amount, *unit))
        }
        Duration::Fact(name) => name.text.clone(),
    }
}

/// The word before an anchor: `beginning with` when the anchor day
/// counts, else the construct's canonical `from` or `of`.
fn counted(beginning: bool, usual: &'static str) -> &'static str {
    if beginning {
        "beginning with"
    } else {
        usual
    }
}

fn anchor(a: &Anchor) -> String {
    match a {
        Anchor::Entry(_) => "entry".into(),
        Anchor::Event(n) => n.text.clone(),
        Anchor::Date(e) => expr(e, 0),
    }
}

/// An anchor as written, for other modules' words.
pub(crate) fn anchor_text(a: &Anchor) -> String {
    anchor(a)
}

/// An expression in its canonical layout, for other modules' words.
/// A panel's size as written after `members`: `3`, `at least 2`, `2 to 4`.
pub(crate) fn panel_size(size: PanelSize) -> String {
    match size {
        PanelSize::Exactly(n) => n.to_string(),
        PanelSize::AtLeast(n) => format!("at least {n}"),
        PanelSize::Between(low, high) => format!("{low} to {high}"),
    }
}

pub(crate) fn expression(e: &Expr) -> String {
    expr(e, 0)
}

fn type_expr(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Bool(_) => "bool".into(),
        TypeExpr::Date(_) => "date".into(),
        TypeExpr::Duration(_) => "duration".into(),
        TypeExpr::Text(_) => "text".into(),
        TypeExpr::Enum { values, .. } => values
            .iter()
            .map(|v| v.text.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

fn names(list: &[Name]) -> String {
    list.iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binding strength, loosest first.
fn strength(e: &Expr) -> u8 {
    match e {
        Expr::Binary {
            op: BinaryOp::Or, ..
        } => 1,
        Expr::Binary {
            op: BinaryOp::And, ..
        } => 2,
        Expr::Not { .. } => 3,
        Expr::Binary { .. } => 4,
        Expr::Shift { .. } => 5,
        Expr::In { .. } => 6,
        _ => 7,
    }
}

/// A guard with only the brackets its meaning needs.
fn expr(e: &Expr, context: u8) -> String {
    let own = strength(e);
    let text = match e {
        Expr::Bool { value, .. } => value.to_string(),
        Expr::Date(d) => d.value.map(|v| v.to_string()).unwrap_or_default(),
        Expr::Duration { amount, unit, .. } => format!("{amount} {}", unit_words(*amount, *unit)),
        Expr::Text(t) => quote(&t.value),
        Expr::Name(n) => n.text.clone(),
        // `not (a == b)` keeps its brackets: without them it reads, wrongly,
        // as `(not a) == b`.
        Expr::Not { operand, .. } if strength(operand) >= 4 && strength(operand) <= 6 => {
            format!("not ({})", expr(operand, 0))
        }
        Expr::Not { operand, .. } => format!("not {}", expr(operand, own)),
        Expr::Binary { op, lhs, rhs, .. } => {
            format!("{} {} {}", expr(lhs, own), op.symbol(), expr(rhs, own + 1))
        }
        Expr::In {
            operand, values, ..
        } => format!("{} in {{{}}}", expr(operand, own), names(values)),
        Expr::Shift { date, back, by, .. } => format!(
            "{} {} {}",
            expr(date, own),
            if *back { "-" } else { "+" },
            expr(by, own + 1)
        ),
        Expr::Moment { moment, .. } => moment.word().to_string(),
        Expr::DateOf { event, .. } => format!("date of {}", event.text),
        Expr::Closed { .. } => "closed".to_string(),
        Expr::Missed { deadline, .. } => format!("missed {}", deadline.text),
        Expr::Extreme { latest, dates, .. } => format!(
            "{}({})",
            if *latest { "latest" } else { "earliest" },
            dates
                .iter()
                .map(|d| expr(d, 0))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    if own < context {
        format!("({text})")
    } else {
        text
    }
}

fn cite(c: &Option<Cite>) -> String {
    match c {
        Some(c) if !c.labels.is_empty() => format!(
            " cite {}",
            c.labels
                .iter()
                .map(|l| quote(&l.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => String::new(),
    }
}

/// `, fixed "why"` after a fact's type and description.
fn fixed(f: Option<&FixedDecl>) -> String {
    match f {
        Some(FixedDecl {
            reason: Some(why), ..
        }) => format!(", fixed {}", quote(&why.value)),
        Some(_) => ", fixed".into(),
        None => String::new(),
    }
}

/// One top-level or step item, to be printed in source order.
enum Item<'a> {
    Line {
        span: Span,
        text: String,
        align: Option<(&'static str, String, String)>,
    },
    Step(&'a StepDecl),
    Calendar(&'a CalendarDecl),
    Track(&'a TrackDecl),
    /// An outcome with a block; one without is a `Line`.
    Outcome(&'a OutcomeDecl),
}

impl Item<'_> {
    fn span(&self) -> Span {
        match self {
            Item::Line { span, .. } => *span,
            Item::Step(s) => s.span,
            Item::Calendar(c) => c.span,
            Item::Track(t) => t.span,
            Item::Outcome(o) => o.span,
        }
    }

    fn is_block(&self) -> bool {
        !matches!(self, Item::Line { .. })
    }
}

fn line<'a>(span: Span, text: String) -> Item<'a> {
    Item::Line {
        span,
        text,
        align: None,
    }
}

fn route(r: &RouteDecl) -> String {
    let word = match r.kind {
        RouteKind::Route => "route",
        RouteKind::Referral => "refer",
    };
    let guard = r
        .guard
        .as_ref()
        .map(|g| format!(" when {}", expr(g, 0)))
        .unwrap_or_default();
    let due = match &r.due {
        None => String::new(),
        Some(ReferDue::Immediately(_)) => " immediately".into(),
        Some(ReferDue::Within(d)) => format!(" within {}", duration(d)),
    };
    let window = r
        .window
        .as_ref()
        .map(|(d, a)| format!(" within {} of {}", duration(d), anchor(a)))
        .unwrap_or_default();
    format!(
        "{word} to {}{guard}{due}{window}{}",
        r.body.text,
        cite(&r.cite)
    )
}

/// An outcome's line, without its block.
fn outcome_line(o: &OutcomeDecl) -> String {
    let fin = if o.is_final { " final" } else { "" };
    let text = o
        .text
        .as_ref()
        .map(|t| format!(" {}", quote(&t.value)))
        .unwrap_or_default();
    format!("outcome {}{fin}{text}{}", o.name.text, cite(&o.cite))
}

fn note(n: &NoteDecl) -> String {
    format!("note {}{}", quote(&n.text.value), cite(&n.cite))
}

/// `paragraphs` with one section a line: labels that share their first
/// word ("2" of "2.1", "Policy" of "Policy ¶1") stand together, the first
/// section beside the keyword, the others indented below it.
fn paragraphs(p: &ParagraphsDecl, indent: usize) -> String {
    /// Plain labels ("1", "Appendix") share one section.
    fn section(label: &str) -> &str {
        match label.split_once(['.', ' ']) {
            Some((first, _)) => first,
            None => "",
        }
    }
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut current: Option<&str> = None;
    for label in &p.labels {
        let key = section(&label.value);
        if current != Some(key) || lines.is_empty() {
            lines.push(Vec::new());
            current = Some(key);
        }
        if let Some(line) = lines.last_mut() {
            line.push(quote(&label.value));
        }
    }
    let continuation = format!("\n{}", " ".repeat(indent + 2));
    let body: Vec<String> = lines.iter().map(|l| l.join(" ")).collect();
    format!("paragraphs {}", body.join(&continuation))
}

fn procedure_items(p: &ProcedureDecl) -> Vec<Item<'_>> {
    let mut items: Vec<Item<'_>> = Vec::new();
    for v in &p.versions {
        items.push(line(
            v.span,
            format!("version {}{}", quote(&v.value.value), cite(&v.cite)),
        ));
    }
    for v in &p.effective {
        let date = v.value.value.map(|d| d.to_string()).unwrap_or_default();
        items.push(line(v.span, format!("effective {date}{}", cite(&v.cite))));
    }
    for v in &p.sources {
        items.push(line(
            v.span,
            format!("source {}{}", quote(&v.value.value), cite(&v.cite)),
        ));
    }
    for v in &p.calendar_uses {
        items.push(line(
            v.span,
            format!("calendar {}{}", v.value.text, cite(&v.cite)),
        ));
    }
    for c in &p.calendars {
        items.push(Item::Calendar(c));
    }
    for para in &p.paragraphs {
        items.push(line(para.span, paragraphs(para, 2)));
    }
    for l in &p.limits {
        items.push(line(
            l.span,
            match &l.until {
                Some(u) => format!("limit until {}{}", expr(u, 0), cite(&l.cite)),
                None => format!(
                    "limit {} {} {}{}",
                    duration(&l.duration),
                    counted(l.beginning, "from"),
                    anchor(&l.anchor),
                    cite(&l.cite)
                ),
            },
        ));
    }
    for r in &p.roles {
        let not_also = if r.not_also.is_empty() {
            String::new()
        } else {
            format!(
                ", not also {}",
                r.not_also
                    .iter()
                    .map(|n| n.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        // The panel first, then `not also`, whichever order they were
        // written in.
        let panel = r
            .panel
            .as_ref()
            .map(|p| {
                format!(
                    ", members {}{}",
                    panel_size(p.size),
                    if p.chair.is_some() { ", chair" } else { "" }
                )
            })
            .unwrap_or_default();
        let rest = format!(
            "{}{panel}{not_also}{}",
            r.title
                .as_ref()
                .map(|t| format!(" {}", quote(&t.value)))
                .unwrap_or_default(),
            cite(&r.cite)
        );
        items.push(Item::Line {
            span: r.span,
            text: format!("role {}{rest}", r.name.text),
            align: Some(("role", r.name.text.clone(), rest)),
        });
    }
    for f in &p.facts {
        let title = f
            .title
            .as_ref()
            .map(|t| format!(" {}", quote(&t.value)))
            .unwrap_or_default();
        items.push(line(
            f.span,
            format!(
                "fact {}: {}{title}{}{}",
                f.name.text,
                type_expr(&f.ty),
                fixed(f.fixed.as_ref()),
                cite(&f.cite)
            ),
        ));
    }
    for st in &p.settings {
        let title = st
            .title
            .as_ref()
            .map(|t| format!(" {}", quote(&t.value)))
            .unwrap_or_default();
        items.push(line(
            st.span,
            format!(
                "setting {}: {} = {}{title}{}",
                st.name.text,
                type_expr(&st.ty),
                expr(&st.default, 0),
                cite(&st.cite)
            ),
        ));
    }
    for b in &p.bodies {
        let kind = b
            .kind
            .as_ref()
            .map(|k| format!(" {}", k.text))
            .unwrap_or_default();
        let rest = format!("{kind} {}{}", quote(&b.title.value), cite(&b.cite));
        items.push(Item::Line {
            span: b.span,
            text: format!("body {}{rest}", b.name.text),
            align: Some(("body", b.name.text.clone(), rest)),
        });
    }
    for r in &p.routes {
        items.push(line(r.span, route(r)));
    }
    for a in &p.anywhere {
        let when = a
            .guard
            .as_ref()
            .map(|g| format!(" when {}", expr(g, 0)))
            .unwrap_or_default();
        let reason = a
            .reason
            .as_ref()
            .map(|t| format!(" {}", quote(&t.value)))
            .unwrap_or_default();
        items.push(line(
            a.span,
            format!(
                "anywhere on {}{when} -> {}{reason}{}",
                a.event.text,
                a.target.text,
                cite(&a.cite)
            ),
        ));
    }
    for s in &p.starts {
        items.push(line(
            s.span,
            format!("start {}{}", s.value.text, cite(&s.cite)),
        ));
    }
    for s in &p.steps {
        items.push(Item::Step(s));
    }
    for t in &p.tracks {
        items.push(Item::Track(t));
    }
    for o in &p.outcomes {
        items.push(match o.block {
            Some(_) => Item::Outcome(o),
            None => line(o.span, outcome_line(o)),
        });
    }
    for n in &p.notices {
        let title = n
            .title
            .as_ref()
            .map(|t| format!(" {}", quote(&t.value)))
            .unwrap_or_default();
        let includes = if n.includes.is_empty() {
            String::new()
        } else {
            format!(
                " includes {}",
                n.includes
                    .iter()
                    .map(|i| i.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        items.push(line(
            n.span,
            format!(
                "notice {} to {}{title}{includes}{}",
                n.name.text,
                n.to.text,
                cite(&n.cite)
            ),
        ));
    }
    for n in &p.notes {
        items.push(line(n.span, note(n)));
    }
    items.sort_by_key(|i| i.span().start);
    items
}

fn step_items(s: &StepDecl) -> Vec<Item<'_>> {
    let mut items: Vec<Item<'_>> = Vec::new();
    for l in &s.leads {
        items.push(line(
            l.span,
            format!(
                "lead {}{}{}",
                l.value.text,
                s.lead_different
                    .iter()
                    .filter(|d| d.lead == l.span)
                    .map(|d| format!(", different from {}", d.step.text))
                    .collect::<String>(),
                cite(&l.cite)
            ),
        ));
    }
    for r in &s.rejects {
        items.push(line(r.span, refusal("reject", r)));
    }
    for r in &s.refusals {
        items.push(line(r.span, refusal("refuse", r)));
    }
    for m in &s.entry_moves {
        items.push(line(m.span, entry_move(m)));
    }
    for t in &s.tasks {
        let mut text = format!("task {}", t.name.text);
        if let Some(title) = &t.title {
            text.push_str(&format!(" {}", quote(&title.value)));
        }
        if let Some(by) = &t.by {
            text.push_str(&format!(" by {}", by.text));
        }
        if let Some(g) = &t.guard {
            text.push_str(&format!(" when {}", expr(g, 0)));
        }
        if let Some(u) = &t.until {
            text.push_str(&format!(" until {}", expr(u, 0)));
        } else if let Some((d, a)) = &t.within {
            text.push_str(&format!(" within {}", duration(d)));
            if let Some(a) = a {
                let word = counted(t.within_beginning, "from");
                text.push_str(&format!(" {word} {}", anchor(a)));
            }
        }
        if !t.notices.is_empty() {
            text.push_str(&format!(" requires notice {}", names(&t.notices)));
        }
        text.push_str(&cite(&t.cite));
        items.push(line(t.span, text));
    }
    for d in &s.deadlines {
        let mut text = match &d.until {
            Some(u) => format!("deadline {} until {}", d.name.text, expr(u, 0)),
            None => format!("deadline {} {}", d.name.text, duration(&d.duration)),
        };
        if let (Some(a), None) = (&d.anchor, &d.until) {
            let word = counted(d.beginning, "from");
            text.push_str(&format!(" {word} {}", anchor(a)));
        }
        if let Some(g) = &d.guard {
            text.push_str(&format!(" when {}", expr(g, 0)));
        }
        match &d.extension {
            Some(Extension::ByAgreement(_)) => text.push_str(", extendable by agreement"),
            Some(Extension::UpTo(c)) => text.push_str(&format!(", extendable to {}", duration(c))),
            None => {}
        }
        if d.extension_rules
            .iter()
            .any(|r| matches!(r, ExtensionRule::WithoutGoodReason(_)))
        {
            text.push_str(" without good reason");
        }
        for rule in &d.extension_rules {
            text.push_str(&match rule {
                ExtensionRule::AtMost { times: 1, .. } => ", at most once".to_string(),
                ExtensionRule::AtMost { times, .. } => format!(", at most {times} times"),
                ExtensionRule::GrantedBy(r) => format!(", granted by {}", r.text),
                ExtensionRule::WithNotice(r) => format!(", with notice to {}", r.text),
                ExtensionRule::AgreementOf(r) => format!(", by agreement of {}", r.text),
                // Printed after the ceiling it qualifies, above.
                ExtensionRule::WithoutGoodReason(_) => String::new(),
                ExtensionRule::BeforeExpiry(_) => ", before expiry".to_string(),
                ExtensionRule::AfterExpiry(_) => ", even after expiry".to_string(),
            });
        }
        if d.soft {
            text.push_str(", or as soon as practicable");
        }
        if !d.met_by.is_empty() {
            text.push_str(&format!(" met by {}", names(&d.met_by)));
        }
        text.push_str(&cite(&d.cite));
        items.push(line(d.span, text));
    }
    for p in &s.pauses {
        let consent = p
            .consent_of
            .as_ref()
            .map(|r| format!(" with agreement of {}", r.text))
            .unwrap_or_default();
        let guard = p
            .guard
            .as_ref()
            .map(|g| format!(" when {}", expr(g, 0)))
            .unwrap_or_default();
        items.push(line(
            p.span,
            format!("pause for {}{consent}{guard}{}", p.name.text, cite(&p.cite)),
        ));
    }
    for t in &s.transitions {
        let mut text = format!("on {}", t.event.text);
        if !t.params.is_empty() {
            let params: Vec<String> = t
                .params
                .iter()
                .map(|p| format!("{}: {}", p.name.text, type_expr(&p.ty)))
                .collect();
            text.push_str(&format!("({})", params.join(", ")));
        }
        if let Some(by) = &t.by {
            text.push_str(&format!(" by {}", by.text));
            for also in &t.also_by {
                text.push_str(&format!(" and {}", also.text));
            }
        }
        if let Some(g) = &t.guard {
            text.push_str(&format!(" when {}", expr(g, 0)));
        }
        if !t.requires.is_empty() {
            text.push_str(&format!(" requires {}", names(&t.requires)));
        }
        if !t.notices.is_empty() {
            text.push_str(&format!(" requires notice {}", names(&t.notices)));
        }
        if !t.reopens.is_empty() {
            text.push_str(&format!(" reopens {}", names(&t.reopens)));
        }
        if !t.starts.is_empty() {
            text.push_str(&format!(" starts {}", names(&t.starts)));
        }
        text.push_str(&format!(" -> {}{}", t.target.text, cite(&t.cite)));
        items.push(line(t.span, text));
    }
    for e in &s.escalations {
        let by =
            e.by.as_ref()
                .map(|r| format!(" by {}", r.text))
                .unwrap_or_default();
        let window = match &e.until {
            Some(u) => format!("until {}", expr(u, 0)),
            None => format!(
                "within {} {} {}",
                duration(&e.within),
                counted(e.beginning, "of"),
                anchor(&e.anchor)
            ),
        };
        let guard = e
            .guard
            .as_ref()
            .map(|g| format!(" when {}", expr(g, 0)))
            .unwrap_or_default();
        items.push(line(
            e.span,
            format!(
                "escalate to {} on {}{by} {window}{guard}{}",
                e.target.text,
                e.event.text,
                cite(&e.cite)
            ),
        ));
    }
    for m in &s.missed_moves {
        items.push(line(
            m.span,
            format!(
                "on missed {} -> {}{}",
                m.deadline.text,
                m.target.text,
                cite(&m.cite)
            ),
        ));
    }
    for o in &s.otherwise_when {
        let target = o.target.as_ref().map_or("", |t| t.text.as_str());
        items.push(line(
            o.span,
            format!(
                "otherwise when {} -> {target}{}",
                expr(&o.guard, 0),
                cite(&o.cite)
            ),
        ));
    }
    for o in &s.otherwise {
        items.push(line(
            o.span,
            format!("otherwise -> {}{}", o.value.text, cite(&o.cite)),
        ));
    }
    for r in &s.routes {
        items.push(line(r.span, route(r)));
    }
    for n in &s.notes {
        items.push(line(n.span, note(n)));
    }
    items.sort_by_key(|i| i.span().start);
    items
}

fn refusal(word: &str, r: &RefusalDecl) -> String {
    let reason = r
        .reason
        .as_ref()
        .map(|t| format!(" {}", quote(&t.value)))
        .unwrap_or_default();
    let target = r
        .target
        .as_ref()
        .map(|t| format!(" -> {}", t.text))
        .unwrap_or_default();
    let notice = r
        .notice
        .as_ref()
        .map(|n| {
            let within = n
                .within
                .as_ref()
                .map(|d| format!(" within {}", duration(d)))
                .unwrap_or_default();
            format!(" requires notice {}{within}", names(&n.notices))
        })
        .unwrap_or_default();
    format!(
        "{word} when {}{reason}{target}{notice}{}",
        expr(&r.guard, 0),
        cite(&r.cite)
    )
}

/// `on entry when G -> T "why"`: the reason after the target, as it reads.
fn entry_move(m: &RefusalDecl) -> String {
    let target = m
        .target
        .as_ref()
        .map(|t| format!(" -> {}", t.text))
        .unwrap_or_default();
    let reason = m
        .reason
        .as_ref()
        .map(|t| format!(" {}", quote(&t.value)))
        .unwrap_or_default();
    format!(
        "on entry when {}{target}{reason}{}",
        expr(&m.guard, 0),
        cite(&m.cite)
    )
}

struct Printer<'s> {
    source: &'s str,
    comments: Vec<Comment>,
    next_comment: usize,
    out: String,
    /// Where in the source the last thing printed ended.
    last_end: usize,
}

impl Printer<'_> {
    /// Whether the source has a blank line between the last thing printed
    /// and `position`.
    fn blank_before(&self, position: usize) -> bool {
        let gap = self.source.get(self.last_end..position).unwrap_or_default();
        let mut lines = gap.split('\n');
        lines.next();
        let mut inner: Vec<&str> = lines.collect();
        inner.pop();
        inner.iter().any(|l| l.trim().is_empty())
    }

    /// A blank line, unless one is there already or a block has just
    /// opened.
    fn blank_line(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") && !self.out.ends_with("{\n") {
            self.out.push('\n');
        }
    }

    /// Prints the own-line comments before `position`; a comment found
    /// inside an earlier construct is printed here too, so none is lost.
    fn comments_before(&mut self, position: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.start >= position {
                break;
            }
            let (start, end) = (c.start, c.end);
            if self.blank_before(start) {
                self.blank_line();
            }
            let text = self.source[start..end].trim_end().to_string();
            self.out.push_str(&" ".repeat(indent));
            self.out.push_str(&text);
            self.out.push('\n');
            self.last_end = end;
            self.next_comment += 1;
        }
    }

    /// Ends the line of a construct that ended at `end`, with the comment
    /// that followed it on the same source line, if any.
    fn end_line(&mut self, end: usize) {
        self.last_end = end;
        if let Some(c) = self.comments.get(self.next_comment) {
            let between = self.source.get(end..c.start).unwrap_or("\n");
            if !c.own_line && between.trim().is_empty() && !between.contains('\n') {
                let text = self.source[c.start..c.end].trim_end();
                self.out.push_str("  ");
                self.out.push_str(text);
                self.last_end = c.end;
                self.next_comment += 1;
            }
        }
        self.out.push('\n');
    }

    fn procedure(&mut self, p: &ProcedureDecl) {
        self.comments_before(p.span.start, 0);
        if self.out.ends_with('\n') && !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out.push_str(&format!(
            "procedure {} {} {{",
            p.name.text,
            quote(&p.title.value)
        ));
        let brace = self.source[p.title.span.end..]
            .find('{')
            .map_or(p.title.span.end, |i| p.title.span.end + i + 1);
        self.end_line(brace);
        let items = procedure_items(p);
        self.items(&items, 2);
        self.comments_before(p.span.end, 2);
        self.out.push_str("}\n");
        self.last_end = p.span.end;
        // Comments after the procedure.
        let rest = self.comments.len();
        if self.next_comment < rest {
            self.out.push('\n');
            self.comments_before(self.source.len() + 1, 0);
        }
    }

    fn items(&mut self, items: &[Item<'_>], indent: usize) {
        let pad = " ".repeat(indent);
        let mut previous_block = false;
        for (i, item) in items.iter().enumerate() {
            let span = item.span();
            // Blocks stand apart from what is around them.
            if i > 0 && (item.is_block() || previous_block) {
                self.blank_line();
            }
            self.comments_before(span.start, indent);
            // A blank line the author left just before the item is kept.
            if self.blank_before(span.start) {
                self.blank_line();
            }
            match item {
                Item::Line { text, align, .. } => {
                    let text = match align {
                        Some((word, name, rest)) => {
                            let width = run_width(items, i, word);
                            format!("{word} {name:<width$}{rest}")
                        }
                        None => text.clone(),
                    };
                    self.out.push_str(&pad);
                    self.out.push_str(&text);
                    self.end_line(span.end);
                }
                Item::Step(s) => self.step(s, indent),
                Item::Calendar(c) => self.calendar(c, indent),
                Item::Track(t) => self.track(t, indent),
                Item::Outcome(o) => self.outcome(o, indent),
            }
            previous_block = item.is_block();
        }
    }

    fn step(&mut self, s: &StepDecl, indent: usize) {
        let pad = " ".repeat(indent);
        let title = s
            .title
            .as_ref()
            .map(|t| format!(" {}", quote(&t.value)))
            .unwrap_or_default();
        self.out.push_str(&format!(
            "{pad}step {}{title}{} {{",
            s.name.text,
            cite(&s.cite)
        ));
        let header_end = s
            .cite
            .as_ref()
            .map(|c| c.span.end)
            .or(s.title.as_ref().map(|t| t.span.end))
            .unwrap_or(s.name.span.end);
        let brace = self.source[header_end..]
            .find('{')
            .map_or(header_end, |i| header_end + i + 1);
        self.end_line(brace);
        let items = step_items(s);
        self.items(&items, indent + 2);
        self.comments_before(s.span.end, indent + 2);
        self.out.push_str(&format!("{pad}}}"));
        self.end_line(s.span.end);
    }

    /// A track prints as a step does, its `on E -> done` lines among its
    /// tasks and deadlines in source order.
    fn track(&mut self, t: &TrackDecl, indent: usize) {
        let pad = " ".repeat(indent);
        let s = &t.body;
        let title = s
            .title
            .as_ref()
            .map(|t| format!(" {}", quote(&t.value)))
            .unwrap_or_default();
        self.out.push_str(&format!(
            "{pad}track {}{title}{} {{",
            s.name.text,
            cite(&s.cite)
        ));
        let header_end = s
            .cite
            .as_ref()
            .map(|c| c.span.end)
            .or(s.title.as_ref().map(|t| t.span.end))
            .unwrap_or(s.name.span.end);
        let brace = self.source[header_end..]
            .find('{')
            .map_or(header_end, |i| header_end + i + 1);
        self.end_line(brace);
        let mut items = step_items(s);
        for d in &t.done_on {
            items.push(line(
                d.span,
                format!("on {} -> done{}", d.event.text, cite(&d.cite)),
            ));
        }
        items.sort_by_key(|i| i.span().start);
        self.items(&items, indent + 2);
        self.comments_before(t.span.end, indent + 2);
        self.out.push_str(&format!("{pad}}}"));
        self.end_line(t.span.end);
    }

    /// An outcome with a block: its routes and notes in source order.
    fn outcome(&mut self, o: &OutcomeDecl, indent: usize) {
        let Some(block) = &o.block else {
            return;
        };
        let pad = " ".repeat(indent);
        self.out.push_str(&format!("{pad}{} {{", outcome_line(o)));
        self.end_line(block.span.start + 1);
        let mut items: Vec<Item<'_>> = Vec::new();
        for r in &block.routes {
            items.push(line(r.span, route(r)));
        }
        for n in &block.notes {
            items.push(line(n.span, note(n)));
        }
        items.sort_by_key(|i| i.span().start);
        self.items(&items, indent + 2);
        self.comments_before(block.span.end, indent + 2);
        self.out.push_str(&format!("{pad}}}"));
        self.end_line(o.span.end);
    }

    fn calendar(&mut self, c: &CalendarDecl, indent: usize) {
        let pad = " ".repeat(indent);
        self.out.push_str(&format!(
            "{pad}calendar {} based on {} {{",
            c.name.text, c.base.text
        ));
        let brace = self.source[c.base.span.end..]
            .find('{')
            .map_or(c.base.span.end, |i| c.base.span.end + i + 1);
        self.end_line(brace);
        let mut items: Vec<Item<'_>> = Vec::new();
        for w in &c.weekends {
            items.push(line(
                w.span,
                format!(
                    "weekend {}",
                    w.days
                        .iter()
                        .map(|d| d.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ));
        }
        for d in &c.closed {
            let mut date = d.date.value.map(|v| v.to_string()).unwrap_or_default();
            if let Some(until) = d.until.as_ref().and_then(|u| u.value) {
                date = format!("{date}..{until}");
            }
            let title = d
                .title
                .as_ref()
                .map(|t| format!(" {}", quote(&t.value)))
                .unwrap_or_default();
            items.push(line(d.span, format!("closed {date}{title}")));
        }
        items.sort_by_key(|i| i.span().start);
        self.items(&items, indent + 2);
        self.comments_before(c.span.end, indent + 2);
        self.out.push_str(&format!("{pad}}}"));
        self.end_line(c.span.end);
    }
}

/// The name width for aligning a run of consecutive `role` (or `body`)
/// lines that includes item `i`.
fn run_width(items: &[Item<'_>], i: usize, word: &str) -> usize {
    let is_same =
        |item: &Item<'_>| matches!(item, Item::Line { align: Some((w, _, _)), .. } if *w == word);
    let mut start = i;
    while start > 0 && is_same(&items[start - 1]) {
        start -= 1;
    }
    let mut end = i;
    while end + 1 < items.len() && is_same(&items[end + 1]) {
        end += 1;
    }
    items[start..=end]
        .iter()
        .filter_map(|item| match item {
            Item::Line {
                align: Some((_, name, _)),
                ..
            } => Some(name.chars().count()),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::format_source;

    #[test]
    fn lays_out_canonically_and_keeps_comments() {
        let source = "// header\nprocedure p \"P\" {\n  role  a   \"A\"\n  role long_name \"L\" // the long one\n\n\n  start s\n  step s { lead a // who\n  on e when (x and y) or not (z == w) -> done }\n  outcome done \"Done\"\n  // trailing\n}\n";
        let formatted = format_source(source).expect("parses");
        assert_eq!(
            formatted,
            "// header\n\nprocedure p \"P\" {\n  role a         \"A\"\n  role long_name \"L\"  // the long one\n\n  start s\n\n  step s {\n    lead a  // who\n    on e when x and y or not (z == w) -> done\n  }\n\n  outcome done \"Done\"\n  // trailing\n}\n"
        );
        assert_eq!(
            format_source(&formatted).as_deref(),
            Some(formatted.as_str())
        );
    }

    #[test]
    fn prints_the_canonical_word_for_of_and_from_and_spaces_between_paragraphs() {
        // `of` and `from` are accepted alike; the layout keeps one word for
        // each construct, as the reference writes it.
        let source = "procedure p \"P\" {\n  paragraphs \"1\", \"2\"\n  step s {\n    deadline d 10 working days of entry\n    escalate to s on asked within 3 weeks from sent\n  }\n}\n";
        let formatted = format_source(source).expect("parses");
        assert!(formatted.contains("paragraphs \"1\" \"2\""), "{formatted}");
        assert!(
            formatted.contains("deadline d 10 working days from entry"),
            "{formatted}"
        );
        assert!(formatted.contains("within 3 weeks of sent"), "{formatted}");
    }

    #[test]
    fn refuses_what_does_not_parse() {
        assert_eq!(format_source("procedure p \"P\" { step }"), None);
    }
}
