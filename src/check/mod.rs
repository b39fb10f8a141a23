//! Name resolution and every static rule: from the AST to a [`Procedure`].
//!
//! Architecture invariant: checking never stops at the first problem. It
//! reports everything it finds, and produces a `Procedure` only when there
//! are no errors (warnings allowed).

mod error;
mod graph;
mod guard;
pub mod ir;
mod tracks;
pub mod words;

use std::collections::HashMap;

use crate::calendar::{
    CalendarSpec, ClosedDay, BUILTIN_NAMES, DEFAULT_CALENDAR, FIRST_YEAR, LAST_YEAR,
};
use crate::suggest::help_for;
use crate::syntax::ast::{self, Span};

pub use error::CheckError;
pub use ir::Procedure;

use ir::*;

/// The result of checking one file.
#[derive(Debug)]
pub struct Checked {
    /// Present when there are no errors.
    pub procedure: Option<Procedure>,
    /// Errors and warnings, in source order.
    pub diagnostics: Vec<CheckError>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(is_error)
    }
}

/// Whether a diagnostic is an error rather than a warning.
pub fn is_error(diagnostic: &CheckError) -> bool {
    use miette::Diagnostic;
    !matches!(diagnostic.severity(), Some(miette::Severity::Warning))
}

/// Checks a parsed file.
pub fn check(file: &ast::File) -> Checked {
    let Some(decl) = &file.procedure else {
        return Checked {
            procedure: None,
            diagnostics: Vec::new(),
        };
    };
    let mut checker = Checker::new(decl);
    let procedure = checker.run();
    let mut diagnostics = checker.errors;
    diagnostics.sort_by_key(|d| {
        use miette::Diagnostic;
        d.labels()
            .and_then(|mut l| l.next())
            .map(|l| l.offset())
            .unwrap_or(0)
    });
    let has_errors = diagnostics.iter().any(is_error);
    Checked {
        procedure: procedure.filter(|_| !has_errors),
        diagnostics,
    }
}

/// Names of one kind, in declaration order, with where each was declared.
#[derive(Default)]
struct Table {
    names: Vec<String>,
    spans: Vec<Span>,
    index: HashMap<String, u32>,
}

impl Table {
    /// Adds a name; on a repeat, returns where the first one was.
    fn add(&mut self, name: &ast::Name) -> Result<u32, Span> {
        if let Some(&i) = self.index.get(&name.text) {
            return Err(self.spans[i as usize]);
        }
        let i = self.names.len() as u32;
        self.names.push(name.text.clone());
        self.spans.push(name.span);
        self.index.insert(name.text.clone(), i);
        Ok(i)
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    fn candidates(&self) -> impl Iterator<Item = &str> + Clone {
        self.names.iter().map(String::as_str)
    }
}

struct Checker<'a> {
    decl: &'a ast::ProcedureDecl,
    errors: Vec<CheckError>,
    roles: Table,
    facts: Table,
    fact_types: Vec<Type>,
    bodies: Table,
    steps: Table,
    outcomes: Table,
    events: Vec<Event>,
    event_index: HashMap<String, u32>,
    /// Where each event's data was first declared.
    event_data_spans: HashMap<u32, Span>,
    used_roles: Vec<bool>,
    used_facts: Vec<bool>,
    used_bodies: Vec<bool>,
    used_outcomes: Vec<bool>,
    paragraphs: Vec<String>,
    cited: Vec<String>,
    /// Date expressions of anchors and `until`, for `Anchor::Date`.
    dates: Vec<Expr>,
    /// In an anchor or `until`, a name that is no fact is an event and
    /// stands for the day it happened.
    names_are_dates: bool,
    /// Where a condition may read `missed D`: the place's words and the
    /// deadlines it may name; `None` where `missed` cannot be read.
    missable: Option<(String, Vec<String>)>,
    /// Whether a guard read `missed` (`Procedure::reads_missed`).
    reads_missed: bool,
    /// The step being checked and its deadlines' names, for `missable`.
    step_deadlines: Option<(String, Vec<String>)>,
}

impl<'a> Checker<'a> {
    fn new(decl: &'a ast::ProcedureDecl) -> Checker<'a> {
        Checker {
            decl,
            errors: Vec::new(),
            roles: Table::default(),
            facts: Table::default(),
            fact_types: Vec::new(),
            bodies: Table::default(),
            steps: Table::default(),
            outcomes: Table::default(),
            events: Vec::new(),
            event_index: HashMap::new(),
            event_data_spans: HashMap::new(),
            used_roles: Vec::new(),
            used_facts: Vec::new(),
            used_bodies: Vec::new(),
            used_outcomes: Vec::new(),
            paragraphs: Vec::new(),
            cited: Vec::new(),
            dates: Vec::new(),
            names_are_dates: false,
            missable: None,
            reads_missed: false,
            step_deadlines: None,
        }
    }

    fn error(&mut self, error: CheckError) {
        self.errors.push(error);
    }

    fn duplicate(&mut self, kind: &str, name: &ast::Name, first: Span) {
        self.error(CheckError::Duplicate {
            kind: kind.to_string(),
            name: name.text.clone(),
            span: name.span.into(),
            first: first.into(),
        });
    }

    /// The one value of a header item given at most once.
    fn single<'b, T>(
        &mut self,
        items: &'b [ast::Valued<T>],
        item: &str,
    ) -> Option<&'b ast::Valued<T>> {
        for repeat in items.iter().skip(1) {
            self.error(CheckError::Repeated {
                item: item.to_string(),
                span: repeat.span.into(),
                first: items[0].span.into(),
            });
        }
        items.first()
    }

    fn run(&mut self) -> Option<Procedure> {
        let decl = self.decl;
        self.paragraphs = decl
            .paragraphs
            .iter()
            .flat_map(|p| p.labels.iter().map(|l| l.value.clone()))
            .collect();
        let version = self
            .single(&decl.versions, "version")
            .map(|v| v.value.value.clone());
        let effective = self
            .single(&decl.effective, "effective")
            .and_then(|v| v.value.value);
        let source = self
            .single(&decl.sources, "source")
            .map(|v| v.value.value.clone());
        for item in decl.versions.iter().chain(&decl.sources) {
            self.cites(&item.cite);
        }
        for item in &decl.effective {
            self.cites(&item.cite);
        }

        self.declare_names();
        let calendars = self.calendars();
        let calendar = self.calendar_choice(&calendars);
        self.collect_events();
        self.collect_track_events();

        let limit = self.single_limit();
        let roles = self.role_irs();
        let mut facts = self.fact_irs();
        let settings = self.setting_irs(&mut facts);
        let bodies = self.body_irs();
        let routes: Vec<Route> = decl.routes.iter().filter_map(|r| self.route(r)).collect();
        let outcomes = self.outcome_irs();
        // A repeated step name has been reported; only the first declaration
        // is compiled, so that step indices match the name table.
        let first_steps: Vec<&ast::StepDecl> = decl
            .steps
            .iter()
            .filter(|s| {
                self.steps
                    .get(&s.name.text)
                    .map(|i| self.steps.spans[i as usize])
                    == Some(s.name.span)
            })
            .collect();
        let steps: Vec<Option<Step>> = first_steps.iter().map(|s| self.step(s)).collect();
        let start = self.start();
        let notes = self.notes(&decl.notes);
        let anywhere = self.anywhere(&decl.anywhere);
        self.track_checks();
        let tracks = self.track_irs();
        // Before `hygiene`: a notice's recipient is a use of its role.
        let notices = self.notice_irs();

        let steps: Option<Vec<Step>> = steps.into_iter().collect();
        if let Some(steps) = &steps {
            graph::check_paths(self, &first_steps, steps, start);
        }
        self.hygiene(source.is_some());

        Some(Procedure {
            id: decl.name.text.clone(),
            title: decl.title.value.clone(),
            version,
            effective,
            source,
            calendar,
            calendars,
            paragraphs: self.paragraphs.clone(),
            limit,
            roles,
            facts,
            events: self.events.clone(),
            bodies,
            routes,
            steps: steps?,
            outcomes,
            start: start?,
            notes,
            anywhere: anywhere?,
            cited: self.cited.clone(),
            settings,
            dates: std::mem::take(&mut self.dates),
            notices,
            tracks: tracks?,
            reads_missed: self.reads_missed,
        })
    }

    /// Tracks: each `starts` names a declared track, and each track says
    /// which event finishes it.
    fn track_checks(&mut self) {
        let decl = self.decl;
        let declared: Vec<&str> = decl
            .tracks
            .iter()
            .map(|t| t.body.name.text.as_str())
            .collect();
        let known = if declared.is_empty() {
            String::new()
        } else {
            format!(", or start one of: {}", declared.join(", "))
        };
        for step in &decl.steps {
            for t in &step.transitions {
                for name in &t.starts {
                    if !declared.contains(&name.text.as_str()) {
                        self.error(CheckError::UnknownTrack {
                            name: name.text.clone(),
                            known: known.clone(),
                            span: name.span.into(),
                        });
                    }
                }
            }
        }
        for track in &decl.tracks {
            if track.done_on.is_empty() {
                self.error(CheckError::TrackWithoutDone {
                    name: track.body.name.text.clone(),
                    span: track.body.name.span.into(),
                });
            }
        }
    }

    /// Fills the name tables first, so that references may come before
    /// declarations in the file.
    fn declare_names(&mut self) {
        let decl = self.decl;
        for role in &decl.roles {
            if let Err(first) = self.roles.add(&role.name) {
                self.duplicate("role", &role.name, first);
            }
        }
        for fact in &decl.facts {
            self.reserved_fact_name(&fact.name);
            match self.facts.add(&fact.name) {
                Ok(_) => {
                    let ty = self.type_of(&fact.ty, "value");
                    self.fact_types.push(ty);
                }
                Err(first) => self.duplicate("fact", &fact.name, first),
            }
        }
        // Settings share the facts' namespace and follow them in it, so a
        // setting's FactId is its place after the declared facts.
        for setting in &decl.settings {
            match self.facts.add(&setting.name) {
                Ok(_) => {
                    let ty = self.type_of(&setting.ty, "value");
                    self.fact_types.push(ty);
                }
                Err(first) => self.duplicate("fact or setting", &setting.name, first),
            }
        }
        for body in &decl.bodies {
            if let Err(first) = self.bodies.add(&body.name) {
                self.duplicate("body", &body.name, first);
            }
        }
        // Steps and outcomes share one namespace: both are targets.
        for step in &decl.steps {
            if let Err(first) = self.steps.add(&step.name) {
                self.duplicate("step", &step.name, first);
            }
        }
        for outcome in &decl.outcomes {
            if let Some(i) = self.steps.get(&outcome.name.text) {
                let first = self.steps.spans[i as usize];
                self.duplicate("step or outcome", &outcome.name, first);
            } else if let Err(first) = self.outcomes.add(&outcome.name) {
                self.duplicate("outcome", &outcome.name, first);
            }
        }
        self.used_roles = vec![false; self.roles.names.len()];
        self.used_facts = vec![false; self.facts.names.len()];
        self.used_bodies = vec![false; self.bodies.names.len()];
        self.used_outcomes = vec![false; self.outcomes.names.len()];
    }

    fn type_of(&mut self, ty: &ast::TypeExpr, kind: &str) -> Type {
        match ty {
            ast::TypeExpr::Bool(_) => Type::Bool,
            ast::TypeExpr::Date(_) => Type::Date,
            ast::TypeExpr::Duration(_) => Type::Duration,
            ast::TypeExpr::Text(_) => Type::Text,
            ast::TypeExpr::Enum { values, .. } => {
                let mut table = Table::default();
                for value in values {
                    if let Err(first) = table.add(value) {
                        self.duplicate(kind, value, first);
                    }
                }
                Type::Enum(table.names)
            }
        }
    }

    fn calendars(&mut self) -> Vec<CalendarSpec> {
        let mut names = Table::default();
        let mut specs = Vec::new();
        for decl in &self.decl.calendars {
            if let Err(first) = names.add(&decl.name) {
                self.duplicate("calendar", &decl.name, first);
                continue;
            }
            if !BUILTIN_NAMES.contains(&decl.base.text.as_str()) {
                self.error(CheckError::UnknownCalendar {
                    name: decl.base.text.clone(),
                    help: format!(
                        "a calendar is based on a built-in one; {}",
                        help_for(&decl.base.text, "built-in calendar", BUILTIN_NAMES)
                    ),
                    span: decl.base.span.into(),
                });
            }
            let mut weekend = None;
            for w in &decl.weekends {
                let mut days = Vec::new();
                for day in &w.days {
                    match crate::calendar::parse_weekday(&day.text) {
                        Some(d) => days.push(d),
                        None => self.error(CheckError::UnknownWeekday {
                            name: day.text.clone(),
                            help: help_for(&day.text, "weekday", WEEKDAYS),
                            span: day.span.into(),
                        }),
                    }
                }
                days.sort_by_key(|d| d.num_days_from_monday());
                days.dedup();
                if days.len() == 7 {
                    self.error(CheckError::NoWorkingDays {
                        name: decl.name.text.clone(),
                        span: w.span.into(),
                    });
                }
                weekend = Some(days);
            }
            let mut closed = Vec::new();
            for c in &decl.closed {
                let Some(date) = c.date.value else { continue };
                if crate::calendar::check_in_range(date).is_err() {
                    self.error(CheckError::DateOutOfRange {
                        date: date.to_string(),
                        first: FIRST_YEAR,
                        last: LAST_YEAR,
                        span: c.date.span.into(),
                    });
                    continue;
                }
                let until = c.until.as_ref().and_then(|u| u.value);
                if let (Some(until), Some(lit)) = (until, c.until.as_ref()) {
                    if crate::calendar::check_in_range(until).is_err() {
                        self.error(CheckError::DateOutOfRange {
                            date: until.to_string(),
                            first: FIRST_YEAR,
                            last: LAST_YEAR,
                            span: lit.span.into(),
                        });
                        continue;
                    }
                    if until < date {
                        self.error(CheckError::ClosureBackwards {
                            from: date.to_string(),
                            until: until.to_string(),
                            span: c.span.into(),
                        });
                        continue;
                    }
                }
                closed.push(ClosedDay {
                    date,
                    until,
                    title: c
                        .title
                        .as_ref()
                        .map(|t| t.value.clone())
                        .unwrap_or_else(|| "Closed".to_string()),
                });
            }
            specs.push(CalendarSpec {
                name: decl.name.text.clone(),
                base: decl.base.text.clone(),
                weekend,
                closed,
            });
        }
        specs
    }

    fn calendar_choice(&mut self, declared: &[CalendarSpec]) -> CalendarChoice {
        let Some(used) = self.single(&self.decl.calendar_uses, "calendar") else {
            return CalendarChoice::Builtin(DEFAULT_CALENDAR.to_string());
        };
        self.cites(&used.cite);
        let name = &used.value;
        if let Some(i) = declared.iter().position(|c| c.name == name.text) {
            return CalendarChoice::Declared(i);
        }
        if !BUILTIN_NAMES.contains(&name.text.as_str()) {
            let known: Vec<&str> = BUILTIN_NAMES
                .iter()
                .copied()
                .chain(declared.iter().map(|c| c.name.as_str()))
                .collect();
            self.error(CheckError::UnknownCalendar {
                name: name.text.clone(),
                help: help_for(&name.text, "calendar", known.iter().copied()),
                span: name.span.into(),
            });
        }
        CalendarChoice::Builtin(name.text.clone())
    }

    /// Every event the procedure names: the built-ins, the events of
    /// transitions and escalations, and the tasks (each done by an event of
    /// its own name).
    fn collect_events(&mut self) {
        // In `Builtin` order, so that each built-in event's id is fixed.
        for name in BUILTIN_EVENTS {
            self.add_event(name, true);
        }
        let decl = self.decl;
        for a in &decl.anywhere {
            self.add_event(&a.event.text, false);
        }
        for step in &decl.steps {
            for task in &step.tasks {
                self.add_event(&task.name.text, false);
            }
            for esc in &step.escalations {
                self.add_event(&esc.event.text, false);
            }
            for t in &step.transitions {
                let id = self.add_event(&t.event.text, false);
                if t.params.is_empty() {
                    continue;
                }
                let mut params = Vec::new();
                let mut table = Table::default();
                for p in &t.params {
                    if let Err(first) = table.add(&p.name) {
                        self.duplicate("event field", &p.name, first);
                        continue;
                    }
                    let ty = self.type_of(&p.ty, "value");
                    params.push(Param {
                        name: p.name.text.clone(),
                        ty,
                    });
                }
                let span = Span::new(
                    t.event.span.start,
                    t.params
                        .last()
                        .map_or(t.event.span.end, |p| p.ty.span().end),
                );
                match self.event_data_spans.get(&id) {
                    Some(first) => {
                        if self.events[id as usize].params != params {
                            self.error(CheckError::ConflictingEventData {
                                event: t.event.text.clone(),
                                span: span.into(),
                                first: (*first).into(),
                            });
                        }
                    }
                    None => {
                        self.event_data_spans.insert(id, span);
                        self.events[id as usize].params = params;
                    }
                }
            }
        }
    }

    fn add_event(&mut self, name: &str, builtin: bool) -> u32 {
        if let Some(&i) = self.event_index.get(name) {
            return i;
        }
        let i = self.events.len() as u32;
        self.events.push(Event {
            name: name.to_string(),
            params: Vec::new(),
            builtin,
        });
        self.event_index.insert(name.to_string(), i);
        i
    }

    fn event(&mut self, name: &ast::Name) -> Option<EventId> {
        match self.event_index.get(&name.text) {
            Some(&i) => Some(EventId(i)),
            None => {
                let help = help_for(
                    &name.text,
                    "event",
                    self.events.iter().map(|e| e.name.as_str()),
                );
                self.error(CheckError::UnknownEvent {
                    name: name.text.clone(),
                    help: format!(
                        "{help}; events come from transitions (`on …`), tasks and escalations"
                    ),
                    span: name.span.into(),
                });
                None
            }
        }
    }

    /// W0405: two windows for one request event, from the same anchor
    /// counted the same way, fixed lengths, one never shorter than the other
    /// (by the one model of lengths). `escalations` pairs with the step's
    /// declarations by position, as every one resolved.
    fn nested_windows(&mut self, step: &ast::StepDecl, escalations: &[Escalation]) {
        for (i, a) in escalations.iter().enumerate() {
            for (j, b) in escalations.iter().enumerate().skip(i + 1) {
                // Windows to different steps (or for different roles) are
                // two rules: the first open one decides where a request goes.
                if a.event != b.event
                    || a.anchor != b.anchor
                    || a.beginning != b.beginning
                    || a.target != b.target
                    || a.by != b.by
                {
                    continue;
                }
                let (
                    DurationSpec::Fixed {
                        amount: na,
                        unit: ua,
                    },
                    DurationSpec::Fixed {
                        amount: nb,
                        unit: ub,
                    },
                ) = (a.within, b.within)
                else {
                    continue;
                };
                // "Always inside" holds only between lengths counted the
                // same way: 15 working days is longer than 3 weeks across
                // a bank holiday and a day shorter from a Saturday, so
                // neither contains the other.
                let (Some(la), Some(lb)) = (exact_length(na, ua), exact_length(nb, ub)) else {
                    continue;
                };
                if la.0 != lb.0 {
                    continue;
                }
                // The later declaration is reported when both are as long.
                let (inner, outer) = if la < lb { (i, j) } else { (j, i) };
                // A longer window only some cases have (`when …`) leaves the
                // shorter one as the right of every other case.
                if escalations[outer].guard.is_some() {
                    continue;
                }
                let (Some(di), Some(doo)) =
                    (step.escalations.get(inner), step.escalations.get(outer))
                else {
                    continue;
                };
                let length = |e: &Escalation| match e.within {
                    DurationSpec::Fixed { amount, unit } => describe_duration(amount, unit),
                    DurationSpec::Fact(_) => String::new(),
                };
                self.error(CheckError::WindowInsideWindow {
                    event: di.event.text.clone(),
                    inner: length(&escalations[inner]),
                    outer: length(&escalations[outer]),
                    span: di.span.into(),
                    other: doo.span.into(),
                });
            }
        }
    }

    fn anchor(&mut self, anchor: &ast::Anchor) -> Option<Anchor> {
        match anchor {
            ast::Anchor::Entry(_) => Some(Anchor::Entry),
            ast::Anchor::Event(name) => match self.facts.get(&name.text) {
                Some(i) => {
                    self.used_facts[i as usize] = true;
                    let ty = self.fact_types[i as usize].clone();
                    if ty != Type::Date {
                        self.error(CheckError::NotADateAnchor {
                            text: name.text.clone(),
                            found: ty.describe(),
                            span: name.span.into(),
                        });
                        return None;
                    }
                    Some(Anchor::Fact(FactId(i)))
                }
                None => self.event(name).map(Anchor::Event),
            },
            ast::Anchor::Date(expr) => self.date_anchor(expr),
        }
    }

    /// A date expression a time limit counts from or ends on (`until`):
    /// names of events stand for the day they happened in the visit.
    fn date_anchor(&mut self, expr: &ast::Expr) -> Option<Anchor> {
        self.names_are_dates = true;
        let typed = self.date_value(expr);
        self.names_are_dates = false;
        let (e, ty) = typed?;
        if ty != Type::Date {
            self.error(CheckError::NotADateAnchor {
                text: crate::format::expression(expr),
                found: ty.describe(),
                span: expr.span().into(),
            });
            return None;
        }
        self.dates.push(e);
        Some(Anchor::Date(self.dates.len() as u32 - 1))
    }

    fn role(&mut self, name: &ast::Name) -> Option<RoleId> {
        match self.roles.get(&name.text) {
            Some(i) => {
                self.used_roles[i as usize] = true;
                Some(RoleId(i))
            }
            None => {
                self.error(CheckError::UnknownRole {
                    name: name.text.clone(),
                    help: help_for(&name.text, "role", self.roles.candidates()),
                    span: name.span.into(),
                });
                None
            }
        }
    }

    fn target(&mut self, name: &ast::Name) -> Option<Target> {
        if let Some(i) = self.steps.get(&name.text) {
            return Some(Target::Step(StepId(i)));
        }
        if let Some(i) = self.outcomes.get(&name.text) {
            self.used_outcomes[i as usize] = true;
            return Some(Target::Outcome(OutcomeId(i)));
        }
        let candidates: Vec<&str> = self
            .steps
            .candidates()
            .chain(self.outcomes.candidates())
            .collect();
        self.error(CheckError::UnknownTarget {
            name: name.text.clone(),
            help: help_for(&name.text, "step or outcome", candidates.iter().copied()),
            span: name.span.into(),
        });
        None
    }

    fn duration(&mut self, duration: &ast::Duration) -> Option<DurationSpec> {
        match duration {
            ast::Duration::Literal { amount, unit, span } => {
                if *amount <= 0 {
                    self.error(CheckError::NonPositiveDuration {
                        amount: *amount,
                        span: (*span).into(),
                    });
                    return None;
                }
                Some(DurationSpec::Fixed {
                    amount: u32::try_from(*amount).ok()?,
                    unit: *unit,
                })
            }
            ast::Duration::Fact(name) => {
                let Some(i) = self.facts.get(&name.text) else {
                    self.error(CheckError::UnknownFact {
                        name: name.text.clone(),
                        help: help_for(&name.text, "fact", self.facts.candidates()),
                        span: name.span.into(),
                    });
                    return None;
                };
                self.used_facts[i as usize] = true;
                let ty = &self.fact_types[i as usize];
                if *ty != Type::Duration {
                    self.error(CheckError::NotADuration {
                        name: name.text.clone(),
                        ty: ty.describe(),
                        span: name.span.into(),
                    });
                    return None;
                }
                Some(DurationSpec::Fact(FactId(i)))
            }
        }
    }

    /// Records citation labels and warns about ones that are not declared
    /// paragraphs.
    fn cites(&mut self, cite: &Option<ast::Cite>) -> Vec<String> {
        let Some(cite) = cite else { return Vec::new() };
        let mut labels = Vec::new();
        for label in &cite.labels {
            if !self.paragraphs.is_empty() && !self.paragraphs.contains(&label.value) {
                let help = match crate::suggest::did_you_mean(
                    &label.value,
                    self.paragraphs.iter().map(String::as_str),
                ) {
                    Some(s) => format!("did you mean \"{s}\"? Otherwise add it to `paragraphs`"),
                    None => "add it to `paragraphs`, or cite a listed paragraph".to_string(),
                };
                self.error(CheckError::CiteNotAParagraph {
                    label: label.value.clone(),
                    help,
                    span: label.span.into(),
                });
            }
            if !self.cited.contains(&label.value) {
                self.cited.push(label.value.clone());
            }
            labels.push(label.value.clone());
        }
        labels
    }

    fn notes(&mut self, notes: &[ast::NoteDecl]) -> Vec<Note> {
        notes
            .iter()
            .map(|n| Note {
                text: n.text.value.clone(),
                cites: self.cites(&n.cite),
            })
            .collect()
    }

    fn single_limit(&mut self) -> Option<Limit> {
        let decl = self.decl;
        for repeat in decl.limits.iter().skip(1) {
            self.error(CheckError::Repeated {
                item: "limit".into(),
                span: repeat.span.into(),
                first: decl.limits[0].span.into(),
            });
        }
        let limit = decl.limits.first()?;
        let (duration, anchor) = match &limit.until {
            Some(u) => (Some(UNTIL), self.date_anchor(u)),
            None => (self.duration(&limit.duration), self.anchor(&limit.anchor)),
        };
        let cites = self.cites(&limit.cite);
        Some(Limit {
            duration: duration?,
            anchor: anchor?,
            beginning: limit.beginning,
            cites,
        })
    }

    fn role_irs(&mut self) -> Vec<Role> {
        let decl = self.decl;
        let mut roles = Vec::new();
        for r in &decl.roles {
            let cites = self.cites(&r.cite);
            if self
                .roles
                .get(&r.name.text)
                .map(|i| self.roles.spans[i as usize])
                == Some(r.name.span)
            {
                let not_also = self.not_also(r);
                let panel = r.panel.as_ref().and_then(|p| self.panel(&r.name.text, p));
                roles.push(Role {
                    name: r.name.text.clone(),
                    title: r.title.as_ref().map(|t| t.value.clone()),
                    cites,
                    not_also,
                    panel,
                });
            }
        }
        roles
    }

    /// `, at most N`, `, granted by ROLE`, `, with notice to ROLE` on a
    /// deadline: at least once; roles declared; a notice declared to the
    /// role that must be told.
    fn extension_rules(&mut self, d: &ast::DeadlineDecl) -> ExtensionRules {
        let mut rules = ExtensionRules::default();
        for rule in &d.extension_rules {
            match rule {
                ast::ExtensionRule::AtMost { times, span } => {
                    if *times < 1 {
                        self.error(CheckError::AtMostNone {
                            times: *times,
                            span: (*span).into(),
                        });
                    } else {
                        rules.at_most = Some(u32::try_from(*times).unwrap_or(u32::MAX));
                    }
                }
                ast::ExtensionRule::GrantedBy(role) => rules.granted_by = self.role(role),
                ast::ExtensionRule::AgreementOf(role) => rules.agreed_by = self.role(role),
                ast::ExtensionRule::WithoutGoodReason(_) => rules.soft_cap = true,
                ast::ExtensionRule::BeforeExpiry(_) => {}
                ast::ExtensionRule::AfterExpiry(_) => rules.after_expiry = true,
                ast::ExtensionRule::WithNotice(role) => {
                    rules.notice_to = self.role(role);
                    let declared = self.decl.notices.iter().any(|n| n.to.text == role.text);
                    if rules.notice_to.is_some() && !declared {
                        self.error(CheckError::NoNoticeToRole {
                            role: role.text.clone(),
                            span: role.span.into(),
                        });
                    }
                }
            }
        }
        rules
    }

    /// `notice NAME to ROLE … includes …`: names unique, each `to` a role.
    fn notice_irs(&mut self) -> Vec<Notice> {
        let decl = self.decl;
        let mut names = Table::default();
        let mut out = Vec::new();
        for n in &decl.notices {
            if let Err(first) = names.add(&n.name) {
                self.duplicate("notice", &n.name, first);
                continue;
            }
            let cites = self.cites(&n.cite);
            let Some(to) = self.role(&n.to) else { continue };
            let mut includes: Vec<String> = Vec::new();
            for item in &n.includes {
                if !includes.contains(&item.text) {
                    includes.push(item.text.clone());
                }
            }
            out.push(Notice {
                name: n.name.text.clone(),
                to,
                title: n.title.as_ref().map(|t| t.value.clone()),
                includes,
                cites,
            });
        }
        out
    }

    /// `role x, not also y, z`: each a declared role other than `x`.
    fn not_also(&mut self, r: &ast::RoleDecl) -> Vec<RoleId> {
        let mut out = Vec::new();
        for other in &r.not_also {
            if other.text == r.name.text {
                self.error(CheckError::RoleNotAlsoItself {
                    role: r.name.text.clone(),
                    span: other.span.into(),
                });
                continue;
            }
            if let Some(id) = self.role(other) {
                out.push(id);
            }
        }
        out
    }

    /// `, members …, chair` on role `role`: at least one member, a range
    /// the right way up, and someone besides the chair.
    fn panel(&mut self, role: &str, p: &ast::PanelDecl) -> Option<Panel> {
        let (low, high) = match p.size {
            ast::PanelSize::Exactly(n) => (n, Some(n)),
            ast::PanelSize::AtLeast(n) => (n, None),
            ast::PanelSize::Between(low, high) => (low, Some(high)),
        };
        if low < 1 || high.is_some_and(|h| h < 1) {
            self.error(CheckError::PanelWithoutMembers {
                role: role.to_string(),
                written: crate::format::panel_size(p.size),
                span: p.span.into(),
            });
            return None;
        }
        if let Some(high) = high.filter(|h| *h < low) {
            self.error(CheckError::PanelRangeUpsideDown {
                role: role.to_string(),
                low,
                high,
                span: p.span.into(),
            });
            return None;
        }
        let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        if let (Some(chair), Some(1)) = (p.chair, high) {
            self.error(CheckError::ChairOfOne {
                role: role.to_string(),
                span: chair.into(),
            });
            return None;
        }
        Some(Panel {
            min: clamp(low),
            max: high.map(clamp),
            chair: p.chair.is_some(),
        })
    }

    /// `lead x, different from stage1`: each another step of the procedure.
    fn different_from(&mut self, step: &ast::StepDecl) -> Vec<StepId> {
        let mut out = Vec::new();
        for d in &step.lead_different {
            match self.target(&d.step) {
                Some(Target::Step(id)) if d.step.text != step.name.text => out.push(id),
                Some(_) => self.error(CheckError::DifferentFromNotAnotherStep {
                    name: d.step.text.clone(),
                    step: step.name.text.clone(),
                    span: d.step.span.into(),
                }),
                None => {}
            }
        }
        out
    }

    fn fact_irs(&mut self) -> Vec<Fact> {
        let decl = self.decl;
        let mut facts = Vec::new();
        for f in &decl.facts {
            let cites = self.cites(&f.cite);
            if let Some(i) = self
                .facts
                .get(&f.name.text)
                .filter(|i| self.facts.spans[*i as usize] == f.name.span)
            {
                facts.push(Fact {
                    name: f.name.text.clone(),
                    title: f.title.as_ref().map(|t| t.value.clone()),
                    ty: self.fact_types[i as usize].clone(),
                    cites,
                    fixed: f.fixed.as_ref().map(|x| {
                        x.reason
                            .as_ref()
                            .map(|t| t.value.clone())
                            .unwrap_or_default()
                    }),
                });
            }
        }
        facts
    }

    /// Each setting as a fact (appended to `facts`) and its default,
    /// which must be a literal of its type.
    fn setting_irs(&mut self, facts: &mut Vec<Fact>) -> Vec<Setting> {
        let decl = self.decl;
        let mut settings = Vec::new();
        for s in &decl.settings {
            let cites = self.cites(&s.cite);
            let Some(i) = self
                .facts
                .get(&s.name.text)
                .filter(|i| self.facts.spans[*i as usize] == s.name.span)
            else {
                continue;
            };
            let ty = self.fact_types[i as usize].clone();
            facts.push(Fact {
                name: s.name.text.clone(),
                title: s.title.as_ref().map(|t| t.value.clone()),
                ty: ty.clone(),
                cites,
                // A setting is the organisation's: no case gives it.
                fixed: None,
            });
            if let Some(default) = self.setting_default(&s.name.text, &ty, &s.default) {
                settings.push(Setting {
                    fact: FactId(i),
                    value: default.clone(),
                    default,
                    from: None,
                    named_by_case: false,
                });
            }
        }
        settings
    }

    fn setting_default(&mut self, name: &str, ty: &Type, default: &ast::Expr) -> Option<Value> {
        let value = match (ty, default) {
            (Type::Bool, ast::Expr::Bool { value, .. }) => Some(Value::Bool(*value)),
            (Type::Date, ast::Expr::Date(d)) => return d.value.map(Value::Date),
            (Type::Duration, ast::Expr::Duration { amount, unit, span }) => {
                if *amount <= 0 {
                    self.error(CheckError::NonPositiveDuration {
                        amount: *amount,
                        span: (*span).into(),
                    });
                    return None;
                }
                u32::try_from(*amount)
                    .ok()
                    .map(|a| Value::Duration(a, *unit))
            }
            (Type::Text, ast::Expr::Text(t)) => Some(Value::Text(t.value.clone())),
            (Type::Enum(values), ast::Expr::Name(n)) => values
                .iter()
                .position(|v| *v == n.text)
                .map(|p| Value::Enum(p as u32)),
            _ => None,
        };
        if value.is_none() {
            self.error(CheckError::SettingDefault {
                name: name.to_string(),
                ty: ty.describe(),
                help: setting_example(ty),
                span: default.span().into(),
            });
        }
        value
    }

    fn body_irs(&mut self) -> Vec<Body> {
        let decl = self.decl;
        let mut bodies = Vec::new();
        for b in &decl.bodies {
            let cites = self.cites(&b.cite);
            let kind = b.kind.as_ref().and_then(|k| {
                let kind = BodyKind::from_name(&k.text);
                if kind.is_none() {
                    self.error(CheckError::UnknownBodyKind {
                        name: k.text.clone(),
                        help: help_for(&k.text, "kind", BodyKind::NAMES),
                        span: k.span.into(),
                    });
                }
                kind
            });
            if self
                .bodies
                .get(&b.name.text)
                .map(|i| self.bodies.spans[i as usize])
                == Some(b.name.span)
            {
                bodies.push(Body {
                    name: b.name.text.clone(),
                    kind,
                    title: b.title.value.clone(),
                    cites,
                });
            }
        }
        bodies
    }

    fn outcome_irs(&mut self) -> Vec<Outcome> {
        let decl = self.decl;
        let mut outcomes = Vec::new();
        for o in &decl.outcomes {
            let cites = self.cites(&o.cite);
            if self
                .outcomes
                .get(&o.name.text)
                .map(|i| self.outcomes.spans[i as usize])
                == Some(o.name.span)
            {
                let (routes, notes) = match &o.block {
                    Some(block) => (
                        block
                            .routes
                            .iter()
                            .filter_map(|r| self.outcome_route(&o.name.text, r))
                            .collect(),
                        self.notes(&block.notes),
                    ),
                    None => (Vec::new(), Vec::new()),
                };
                outcomes.push(Outcome {
                    name: o.name.text.clone(),
                    is_final: o.is_final,
                    text: o.text.as_ref().map(|t| t.value.clone()),
                    cites,
                    builtin: false,
                    routes,
                    notes,
                });
            }
        }
        if !outcomes.iter().any(|o| o.name == WITHDRAWN_OUTCOME) {
            outcomes.push(Outcome {
                name: WITHDRAWN_OUTCOME.to_string(),
                is_final: false,
                text: Some("The complainant withdrew the complaint".to_string()),
                cites: Vec::new(),
                builtin: true,
                routes: Vec::new(),
                notes: Vec::new(),
            });
        }
        outcomes
    }

    /// A route in an outcome's block, checked as every route is; it is
    /// read only once the case has closed with that outcome, so a
    /// condition false whenever the case has closed could never open it.
    fn outcome_route(&mut self, outcome: &str, route: &ast::RouteDecl) -> Option<Route> {
        let checked = self.route(route)?;
        if let (Some(g), Some(written)) = (&checked.guard, &route.guard) {
            if g.once_closed() == Some(false) {
                self.error(CheckError::OutcomeRouteNeverOpens {
                    outcome: outcome.to_string(),
                    condition: crate::format::expression(written),
                    span: written.span().into(),
                });
            }
        }
        Some(checked)
    }

    fn route(&mut self, route: &ast::RouteDecl) -> Option<Route> {
        let body = match self.bodies.get(&route.body.text) {
            Some(i) => {
                self.used_bodies[i as usize] = true;
                Some(BodyId(i))
            }
            None => {
                self.error(CheckError::UnknownBody {
                    name: route.body.text.clone(),
                    help: help_for(&route.body.text, "body", self.bodies.candidates()),
                    span: route.body.span.into(),
                });
                None
            }
        };
        self.missable = Some(self.missable_here());
        let guard = route.guard.as_ref().map(|g| self.condition(g, &[]));
        self.missable = None;
        let guard = match guard {
            Some(g) => Some(g?),
            None => None,
        };
        let window = match &route.window {
            None => Some(None),
            Some((d, a)) => {
                let duration = self.duration(d);
                let anchor = match a {
                    ast::Anchor::Event(n) if n.text == "closed" => Some(WindowAnchor::Closed),
                    _ => self.anchor(a).map(WindowAnchor::Anchor),
                };
                duration
                    .zip(anchor)
                    .map(|(duration, anchor)| Some(RouteWindow { duration, anchor }))
            }
        };
        let cites = self.cites(&route.cite);
        let due = match &route.due {
            None => None,
            Some(ast::ReferDue::Immediately(_)) => Some(ReferralDue::Immediately),
            Some(ast::ReferDue::Within(d)) => Some(ReferralDue::Within(self.duration(d)?)),
        };
        Some(Route {
            due,
            window: window?,
            body: body?,
            kind: match route.kind {
                ast::RouteKind::Route => RouteKind::Open,
                ast::RouteKind::Referral => RouteKind::Referral,
            },
            guard,
            cites,
        })
    }

    fn start(&mut self) -> Option<StepId> {
        let decl = self.decl;
        let Some(start) = self.single(&decl.starts, "start") else {
            self.error(CheckError::MissingStart {
                name: decl.name.text.clone(),
                span: decl.name.span.into(),
            });
            return None;
        };
        self.cites(&start.cite);
        match self.target(&start.value)? {
            Target::Step(s) => Some(s),
            Target::Outcome(_) => {
                self.error(CheckError::StartNotAStep {
                    name: start.value.text.clone(),
                    span: start.value.span.into(),
                });
                None
            }
        }
    }

    fn step(&mut self, step: &ast::StepDecl) -> Option<Step> {
        self.step_deadlines = Some((
            format!("step `{}`", step.name.text),
            step.deadlines.iter().map(|d| d.name.text.clone()).collect(),
        ));
        let checked = self.step_checked(step);
        self.step_deadlines = None;
        checked
    }

    /// Where `missed D` may be read from the condition being checked: in
    /// a step, its own deadlines (the current visit's); elsewhere (a route
    /// for the whole procedure), a deadline of any step, read in whichever
    /// step the case is in.
    fn missable_here(&self) -> (String, Vec<String>) {
        self.step_deadlines.clone().unwrap_or_else(|| {
            (
                "the procedure".to_string(),
                self.decl
                    .steps
                    .iter()
                    .flat_map(|s| s.deadlines.iter().map(|d| d.name.text.clone()))
                    .collect(),
            )
        })
    }

    fn step_checked(&mut self, step: &ast::StepDecl) -> Option<Step> {
        let mut ok = true;
        let cites = self.cites(&step.cite);
        let lead = match step.leads.as_slice() {
            [] => {
                self.error(CheckError::MissingLead {
                    step: step.name.text.clone(),
                    span: step.name.span.into(),
                });
                None
            }
            [first, rest @ ..] => {
                for other in rest {
                    self.error(CheckError::SeveralLeads {
                        step: step.name.text.clone(),
                        span: other.span.into(),
                        first: first.span.into(),
                    });
                }
                for l in &step.leads {
                    self.cites(&l.cite);
                }
                self.role(&first.value)
            }
        };

        let mut task_names = Table::default();
        let mut tasks = Vec::new();
        for task in &step.tasks {
            if let Err(first) = task_names.add(&task.name) {
                self.duplicate("task", &task.name, first);
                ok = false;
                continue;
            }
            let guard = task.guard.as_ref().map(|g| self.condition(g, &[]));
            let by = task.by.as_ref().map(|r| self.role(r));
            let until = task
                .until
                .as_ref()
                .map(|u| self.date_anchor(u).map(|a| (UNTIL, a)));
            let within = until.or_else(|| {
                task.within.as_ref().map(|(d, a)| {
                    let d = self.duration(d);
                    let a = match a {
                        Some(a) => self.anchor(a),
                        None => Some(Anchor::Entry),
                    };
                    d.zip(a)
                })
            });
            let cites = self.cites(&task.cite);
            let notice: Option<Vec<String>> =
                task.notices.iter().map(|n| self.notice_named(n)).collect();
            match (guard, within, self.event_index.get(&task.name.text)) {
                (Some(None), _, _) | (_, Some(None), _) | (_, _, None) => ok = false,
                _ if notice.is_none() => ok = false,
                _ if by == Some(None) => ok = false,
                (guard, within, Some(&event)) => tasks.push(Task {
                    name: task.name.text.clone(),
                    event: EventId(event),
                    title: task.title.as_ref().map(|t| t.value.clone()),
                    by: by.flatten(),
                    guard: guard.flatten(),
                    within: within.flatten(),
                    within_beginning: task.within_beginning,
                    cites,
                    notices: notice.unwrap_or_default(),
                }),
            }
        }

        let received: Vec<&str> = step
            .transitions
            .iter()
            .map(|t| t.event.text.as_str())
            .chain(step.tasks.iter().map(|t| t.name.text.as_str()))
            .chain(step.escalations.iter().map(|e| e.event.text.as_str()))
            .chain(
                BUILTIN_EVENTS
                    .iter()
                    .copied()
                    .filter(|n| *n != Builtin::Received.name()),
            )
            .collect();

        let mut deadline_names = Table::default();
        let mut deadlines = Vec::new();
        for d in &step.deadlines {
            if let Err(first) = deadline_names.add(&d.name) {
                self.duplicate("deadline", &d.name, first);
                ok = false;
                continue;
            }
            match self.deadline(d, &step.name.text, &received) {
                Some(deadline) => deadlines.push(deadline),
                None => ok = false,
            }
        }

        let mut pauses = Vec::new();
        for p in &step.pauses {
            let consent_of = match &p.consent_of {
                Some(r) => match self.role(r) {
                    Some(r) => Some(r),
                    None => {
                        ok = false;
                        None
                    }
                },
                None => None,
            };
            let cites = self.cites(&p.cite);
            let guard = match p.guard.as_ref().map(|g| self.condition(g, &[])) {
                Some(Some(g)) => Some(g),
                Some(None) => {
                    ok = false;
                    None
                }
                None => None,
            };
            pauses.push(Pause {
                name: p.name.text.clone(),
                consent_of,
                cites,
                guard,
            });
        }

        let mut transitions: Vec<Transition> = Vec::new();
        for t in &step.transitions {
            match self.transition(t, step, &task_names) {
                Some(tr) => transitions.push(tr),
                None => ok = false,
            }
        }
        let mut by_event: Vec<(EventId, Vec<u32>)> = Vec::new();
        for (i, t) in transitions.iter().enumerate() {
            match by_event.iter_mut().find(|(e, _)| *e == t.event) {
                Some((_, list)) => list.push(i as u32),
                None => by_event.push((t.event, vec![i as u32])),
            }
        }
        by_event.sort_by_key(|(e, _)| *e);
        guard::check_overlaps(self, step, &transitions);

        let mut escalations = Vec::new();
        for e in &step.escalations {
            let target = match self.target(&e.target) {
                Some(Target::Step(s)) => Some(s),
                Some(Target::Outcome(_)) => {
                    self.error(CheckError::EscalationToOutcome {
                        name: e.target.text.clone(),
                        span: e.target.span.into(),
                    });
                    None
                }
                None => None,
            };
            let by = e.by.as_ref().map(|r| self.role(r));
            let (within, anchor) = match &e.until {
                Some(u) => (Some(UNTIL), self.date_anchor(u)),
                None => (self.duration(&e.within), self.anchor(&e.anchor)),
            };
            let event = self.event_index.get(&e.event.text).map(|i| EventId(*i));
            let cites = self.cites(&e.cite);
            let guard = e.guard.as_ref().map(|g| self.condition(g, &[]));
            if guard == Some(None) {
                ok = false;
            }
            match (target, by, within, anchor, event) {
                (Some(target), by, Some(within), Some(anchor), Some(event)) if by != Some(None) => {
                    escalations.push(Escalation {
                        target,
                        event,
                        by: by.flatten(),
                        within,
                        anchor,
                        beginning: e.beginning,
                        cites,
                        guard: guard.flatten(),
                    })
                }
                _ => ok = false,
            }
        }
        if ok {
            self.nested_windows(step, &escalations);
        }

        for repeat in step.otherwise.iter().skip(1) {
            self.error(CheckError::Repeated {
                item: "otherwise".into(),
                span: repeat.span.into(),
                first: step.otherwise[0].span.into(),
            });
        }
        let otherwise = match step.otherwise.first() {
            Some(o) => {
                if step.escalations.is_empty() {
                    self.error(CheckError::OtherwiseWithoutWindow {
                        step: step.name.text.clone(),
                        span: o.span.into(),
                    });
                }
                let cites = self.cites(&o.cite);
                match self.target(&o.value) {
                    Some(target) => Some(Otherwise { target, cites }),
                    None => {
                        ok = false;
                        None
                    }
                }
            }
            // With `otherwise when …` and no default, E0431 says more.
            None if !step.otherwise_when.is_empty() => None,
            None => {
                if let Some(e) = step.escalations.first() {
                    self.error(CheckError::WindowWithoutOtherwise {
                        step: step.name.text.clone(),
                        span: e.span.into(),
                    });
                }
                None
            }
        };

        let rejects = self.refusals(&step.rejects, &mut ok);
        let refusals = self.refusals(&step.refusals, &mut ok);
        let entry_moves = self.entry_moves(step, &mut ok);
        let otherwise_when = self.otherwise_when(step, &mut ok);
        let missed_moves = self.missed_moves(step, &mut ok);
        let mut routes = Vec::new();
        for r in &step.routes {
            match self.route(r) {
                Some(r) => routes.push(r),
                None => ok = false,
            }
        }
        let notes = self.notes(&step.notes);
        let different_from = self.different_from(step);
        let lead_cites = step
            .leads
            .iter()
            .filter_map(|l| l.cite.as_ref())
            .flat_map(|c| c.labels.iter().map(|l| l.value.clone()))
            .collect();

        if !ok {
            return None;
        }
        Some(Step {
            name: step.name.text.clone(),
            title: step.title.as_ref().map(|t| t.value.clone()),
            lead: lead?,
            different_from,
            lead_cites,
            tasks,
            deadlines,
            pauses,
            transitions,
            by_event,
            escalations,
            otherwise,
            rejects,
            refusals,
            routes,
            notes,
            cites,
            entry_moves,
            otherwise_when,
            missed_moves,
        })
    }

    fn deadline(
        &mut self,
        d: &ast::DeadlineDecl,
        step: &str,
        received: &[&str],
    ) -> Option<Deadline> {
        let (duration, anchor) = match &d.until {
            Some(u) => (Some(UNTIL), self.date_anchor(u)),
            None => (
                self.duration(&d.duration),
                match &d.anchor {
                    Some(a) => self.anchor(a),
                    None => Some(Anchor::Entry),
                },
            ),
        };
        let extension = match &d.extension {
            None => Some(Extension::None),
            Some(ast::Extension::ByAgreement(_)) => Some(Extension::ByAgreement),
            Some(ast::Extension::UpTo(ceiling)) => {
                let c = self.duration(ceiling);
                if let (
                    Some(DurationSpec::Fixed {
                        amount: da,
                        unit: du,
                    }),
                    Some(DurationSpec::Fixed {
                        amount: ca,
                        unit: cu,
                    }),
                ) = (duration, c)
                {
                    // The one model of lengths, so that the checker, guards
                    // and `redress paths` agree on which is longer.
                    if approximate_length(ca, cu) < approximate_length(da, du) {
                        self.error(CheckError::CeilingShorterThanDeadline {
                            ceiling: describe_duration(ca, cu),
                            deadline: describe_duration(da, du),
                            span: ceiling.span().into(),
                            deadline_span: d.duration.span().into(),
                        });
                    } else if ca == da && cu == du {
                        self.error(CheckError::CeilingEqualsDeadline {
                            ceiling: describe_duration(ca, cu),
                            span: ceiling.span().into(),
                            deadline_span: d.duration.span().into(),
                        });
                    }
                }
                c.map(Extension::UpTo)
            }
        };
        let mut met_by = Vec::new();
        let mut ok = true;
        for event in &d.met_by {
            match self.event(event) {
                Some(id) => {
                    if !received.contains(&event.text.as_str()) {
                        self.error(CheckError::MetByElsewhere {
                            event: event.text.clone(),
                            step: step.to_string(),
                            span: event.span.into(),
                        });
                        ok = false;
                    }
                    met_by.push(id);
                }
                None => ok = false,
            }
        }
        let cites = self.cites(&d.cite);
        let guard = d.guard.as_ref().map(|g| self.condition(g, &[]));
        let extension_rules = self.extension_rules(d);
        if !ok {
            return None;
        }
        Some(Deadline {
            name: d.name.text.clone(),
            duration: duration?,
            anchor: anchor?,
            beginning: d.beginning,
            extension: extension?,
            extension_rules,
            met_by,
            cites,
            guard: guard.map_or(Some(None), |g| g.map(Some))?,
            soft: d.soft,
        })
    }

    fn transition(
        &mut self,
        t: &ast::TransitionDecl,
        step: &ast::StepDecl,
        tasks: &Table,
    ) -> Option<Transition> {
        let event = self.event_index.get(&t.event.text).map(|i| EventId(*i));
        let params = event
            .map(|e| self.events[e.index()].params.clone())
            .unwrap_or_default();
        let by = t.by.as_ref().map(|r| self.role(r));
        let also_by: Vec<Option<RoleId>> = t.also_by.iter().map(|r| self.role(r)).collect();
        self.missable = Some(self.missable_here());
        let guard = t.guard.as_ref().map(|g| self.condition(g, &params));
        self.missable = None;
        let mut ok = also_by.iter().all(Option::is_some);
        let requires = self.tasks_named(&t.requires, step, tasks, &mut ok);
        let reopens = self.tasks_named(&t.reopens, step, tasks, &mut ok);
        let target = self.target(&t.target);
        if !t.reopens.is_empty() && t.target.text != step.name.text {
            self.error(CheckError::ReopensOutsideStep {
                step: step.name.text.clone(),
                span: t.target.span.into(),
            });
            ok = false;
        }
        let cites = self.cites(&t.cite);
        let notices: Option<Vec<String>> = t.notices.iter().map(|n| self.notice_named(n)).collect();
        if !ok || by == Some(None) || guard == Some(None) || notices.is_none() {
            return None;
        }
        Some(Transition {
            event: event?,
            by: by.flatten(),
            also_by: also_by.into_iter().flatten().collect(),
            guard: guard.flatten(),
            requires,
            reopens,
            target: target?,
            cites,
            starts: self.starts_of(t),
            notices: notices.unwrap_or_default(),
        })
    }

    /// `requires notice NAME`: a notice the procedure declares (E0216).
    fn notice_named(&mut self, n: &ast::Name) -> Option<String> {
        let decl = self.decl;
        if decl.notices.iter().any(|d| d.name.text == n.text) {
            return Some(n.text.clone());
        }
        let help = if decl.notices.is_empty() {
            "declare it: `notice NAME to ROLE \"Title\" includes …`".to_string()
        } else {
            help_for(
                &n.text,
                "notice",
                decl.notices.iter().map(|d| d.name.text.as_str()),
            )
        };
        self.error(CheckError::UnknownNotice {
            name: n.text.clone(),
            help,
            span: n.span.into(),
        });
        None
    }

    /// `requires notice N [within D]` on a `reject` or `refuse`: each a
    /// declared notice (E0216), the time a valid duration.
    fn owed_notice(&mut self, owed: &ast::OwedNoticeDecl) -> Option<OwedNotice> {
        let mut notices = Vec::new();
        let mut ok = true;
        for n in &owed.notices {
            match self.notice_named(n) {
                Some(name) => notices.push(name),
                None => ok = false,
            }
        }
        let within = owed.within.as_ref().map(|d| self.duration(d));
        if within == Some(None) || !ok {
            return None;
        }
        Some(OwedNotice {
            notices,
            within: within.flatten(),
        })
    }

    /// Resolves task names within a step.
    fn tasks_named(
        &mut self,
        names: &[ast::Name],
        step: &ast::StepDecl,
        tasks: &Table,
        ok: &mut bool,
    ) -> Vec<u32> {
        let mut found = Vec::new();
        for task in names {
            match tasks.get(&task.text) {
                Some(i) => found.push(i),
                None => {
                    self.error(CheckError::UnknownTask {
                        name: task.text.clone(),
                        step: step.name.text.clone(),
                        help: help_for(&task.text, "task", tasks.candidates()),
                        span: task.span.into(),
                    });
                    *ok = false;
                }
            }
        }
        found
    }

    fn refusals(&mut self, decls: &[ast::RefusalDecl], ok: &mut bool) -> Vec<Refusal> {
        let mut out = Vec::new();
        for r in decls {
            let guard = self.condition(&r.guard, &[]);
            let target = r.target.as_ref().map(|t| self.target(t));
            let notice = r.notice.as_ref().map(|n| self.owed_notice(n));
            let cites = self.cites(&r.cite);
            match (guard, target, notice) {
                (Some(guard), target, notice) if target != Some(None) && notice != Some(None) => {
                    out.push(Refusal {
                        guard,
                        reason: r.reason.as_ref().map(|t| t.value.clone()),
                        target: target.flatten(),
                        cites,
                        notice: notice.flatten(),
                    })
                }
                _ => *ok = false,
            }
        }
        out
    }

    /// `on entry when … -> T`: a target that is the step itself would
    /// enter it again and again, so it is refused (E0430).
    fn entry_moves(&mut self, step: &ast::StepDecl, ok: &mut bool) -> Vec<Refusal> {
        for m in &step.entry_moves {
            if let Some(t) = m.target.as_ref().filter(|t| t.text == step.name.text) {
                self.error(CheckError::EntryMoveToItself {
                    step: step.name.text.clone(),
                    span: t.span.into(),
                });
                *ok = false;
            }
        }
        self.refusals(&step.entry_moves, ok)
    }

    /// `anywhere on E -> T`: T must be an outcome (E0434). A move to a
    /// step from every step would take a case out of stages it has
    /// finished, and back into ones already closed for it; ending the case
    /// is the one move that is sound from anywhere.
    fn anywhere(&mut self, decls: &[ast::AnywhereDecl]) -> Option<Vec<Anywhere>> {
        let mut out = Vec::new();
        let mut ok = true;
        for a in decls {
            let event = self.event_index.get(&a.event.text).map(|i| EventId(*i));
            let guard = a.guard.as_ref().map(|g| self.condition(g, &[]));
            let cites = self.cites(&a.cite);
            let target = match self.target(&a.target) {
                Some(Target::Outcome(o)) => Some(o),
                Some(Target::Step(_)) => {
                    self.error(CheckError::AnywhereToStep {
                        name: a.target.text.clone(),
                        span: a.target.span.into(),
                    });
                    None
                }
                None => None,
            };
            match (event, guard, target) {
                (Some(event), guard, Some(target)) if guard != Some(None) => out.push(Anywhere {
                    event,
                    guard: guard.flatten(),
                    target,
                    reason: a.reason.as_ref().map(|t| t.value.clone()),
                    cites,
                }),
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// `on missed D -> T`: D is one of the step's deadlines (E0432), and T
    /// is not the step itself (E0433), which would start the deadline
    /// again on the day it was missed and go round for ever.
    fn missed_moves(&mut self, step: &ast::StepDecl, ok: &mut bool) -> Vec<MissedMove> {
        let mut out = Vec::new();
        for m in &step.missed_moves {
            let deadline = step
                .deadlines
                .iter()
                .position(|d| d.name.text == m.deadline.text);
            if deadline.is_none() {
                let names = step.deadlines.iter().map(|d| d.name.text.as_str());
                self.error(CheckError::MissedUnknownDeadline {
                    name: m.deadline.text.clone(),
                    step: step.name.text.clone(),
                    help: help_for(&m.deadline.text, "deadline", names),
                    span: m.deadline.span.into(),
                });
            }
            if m.target.text == step.name.text {
                self.error(CheckError::MissedToItself {
                    step: step.name.text.clone(),
                    span: m.target.span.into(),
                });
                *ok = false;
                continue;
            }
            let target = self.target(&m.target);
            let cites = self.cites(&m.cite);
            match (deadline, target) {
                (Some(deadline), Some(target)) => out.push(MissedMove {
                    deadline,
                    target,
                    cites,
                }),
                _ => *ok = false,
            }
        }
        out
    }

    /// `otherwise when …`: only beside windows (E0411), and followed by
    /// an unguarded `otherwise` that comes last, so that a case always has
    /// somewhere to go (E0431).
    fn otherwise_when(&mut self, step: &ast::StepDecl, ok: &mut bool) -> Vec<Refusal> {
        let Some(first) = step.otherwise_when.first() else {
            return Vec::new();
        };
        if step.escalations.is_empty() && step.otherwise.is_empty() {
            self.error(CheckError::OtherwiseWithoutWindow {
                step: step.name.text.clone(),
                span: first.span.into(),
            });
        }
        let last_guarded = step.otherwise_when.iter().map(|o| o.span.start).max();
        match step.otherwise.first() {
            None => self.error(CheckError::OtherwiseWhenWithoutDefault {
                step: step.name.text.clone(),
                last: false,
                span: first.span.into(),
            }),
            Some(o) if last_guarded.is_some_and(|l| o.span.start < l) => {
                self.error(CheckError::OtherwiseWhenWithoutDefault {
                    step: step.name.text.clone(),
                    last: true,
                    span: o.span.into(),
                })
            }
            Some(_) => {}
        }
        self.refusals(&step.otherwise_when, ok)
    }

    fn hygiene(&mut self, has_source: bool) {
        let decl = self.decl;
        for (i, used) in self.used_roles.clone().into_iter().enumerate() {
            if !used {
                self.error(CheckError::UnusedRole {
                    name: self.roles.names[i].clone(),
                    span: self.roles.spans[i].into(),
                });
            }
        }
        for (i, used) in self.used_facts.clone().into_iter().enumerate() {
            // A setting's FactId is its place after the declared facts.
            if !used && i >= decl.facts.len() {
                self.error(CheckError::UnusedSetting {
                    name: self.facts.names[i].clone(),
                    span: self.facts.spans[i].into(),
                });
            } else if !used {
                self.error(CheckError::UnusedFact {
                    name: self.facts.names[i].clone(),
                    span: self.facts.spans[i].into(),
                });
            }
        }
        for (i, used) in self.used_bodies.clone().into_iter().enumerate() {
            if !used {
                self.error(CheckError::UnusedBody {
                    name: self.bodies.names[i].clone(),
                    span: self.bodies.spans[i].into(),
                });
            }
        }
        for (i, used) in self.used_outcomes.clone().into_iter().enumerate() {
            if !used {
                self.error(CheckError::UnusedOutcome {
                    name: self.outcomes.names[i].clone(),
                    span: self.outcomes.spans[i].into(),
                });
            }
        }
        if !has_source {
            return;
        }
        for step in &decl.steps {
            if step.cite.is_none() {
                self.error(CheckError::StepWithoutCite {
                    step: step.name.text.clone(),
                    span: step.name.span.into(),
                });
            }
            for d in &step.deadlines {
                if d.cite.is_none() {
                    self.error(CheckError::DeadlineWithoutCite {
                        name: d.name.text.clone(),
                        span: d.name.span.into(),
                    });
                }
            }
        }
    }
}

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// `20 working days`, `1 week`.
/// What a setting's value looks like, for the help of a wrong one.
pub fn setting_example(ty: &Type) -> String {
    match ty {
        Type::Bool => "write `true` or `false`".into(),
        Type::Date => "write a date: `2026-04-01`".into(),
        Type::Duration => "write a duration: `20 working days`, `3 weeks`, `1 month`".into(),
        Type::Text => "write text in double quotes: `\"Complaints team\"`".into(),
        Type::Enum(values) => format!("write one of its values: {}", values.join(", ")),
    }
}

pub fn describe_duration(amount: u32, unit: Unit) -> String {
    let (one, many) = match unit {
        Unit::WorkingDays => ("working day", "working days"),
        Unit::Days => ("day", "days"),
        Unit::Weeks => ("week", "weeks"),
        Unit::Months => ("month", "months"),
        Unit::Years => ("year", "years"),
    };
    format!("{amount} {}", if amount == 1 { one } else { many })
}

/// A length in the one unit it can be counted in exactly, with the kind
/// of counting: working days; calendar days (a week is 7); months (a year
/// is 12). Lengths of different kinds have no exact order.
fn exact_length(amount: u32, unit: crate::syntax::ast::Unit) -> Option<(u8, u64)> {
    use crate::syntax::ast::Unit;
    let amount = u64::from(amount);
    Some(match unit {
        Unit::WorkingDays => (0, amount),
        Unit::Days => (1, amount),
        Unit::Weeks => (1, amount.checked_mul(7)?),
        Unit::Months => (2, amount),
        Unit::Years => (2, amount.checked_mul(12)?),
    })
}
