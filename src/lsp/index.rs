//! Every name in a document, where it is declared and where it is used,
//! read from the AST: what definition, references, hover, the outline and
//! completion look up. It resolves names as the checker does (steps and
//! outcomes share one namespace; tasks, deadlines and pauses belong to
//! their step; an event's data fields to the event) but judges nothing:
//! the diagnostics come from the compile pipeline alone.

use crate::syntax::ast::{
    Anchor, Duration, Expr, Extension, Name, ProcedureDecl, RouteDecl, Span, TypeExpr,
};

/// Which names an occurrence can mean.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Space {
    Procedure,
    Calendar,
    Role,
    Fact,
    /// A value of a choice (`child` of `complainant_is: child | adult`).
    Value,
    Body,
    /// Steps and outcomes: a transition's target is either.
    Target,
    /// Events, including the tasks (each done by an event of its name).
    Event,
    /// A step's tasks, by the step's index.
    Task(usize),
    Deadline(usize),
    Pause(usize),
    /// The data fields of the named event.
    Field(String),
}

/// The declaration an occurrence is, by position in the AST.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    Procedure,
    Calendar(usize),
    Role(usize),
    Fact(usize),
    /// A `setting`, by its position among the settings.
    Setting(usize),
    /// A value of the choice declared at the span (a fact's or a field's type).
    Value(Span),
    Body(usize),
    Step(usize),
    Outcome(usize),
    Task(usize, usize),
    Deadline(usize, usize),
    Pause(usize, usize),
    /// An event named by a step's transition (step, transition).
    Transition(usize, usize),
    /// An event named by a step's escalation window (step, escalation).
    Escalation(usize, usize),
    /// A data field of a transition's event (step, transition, field).
    Field(usize, usize, usize),
}

/// A name in the text: a declaration when `decl` says which, otherwise a use.
#[derive(Clone, Debug)]
pub(crate) struct Occurrence {
    pub(crate) space: Space,
    pub(crate) name: String,
    pub(crate) span: Span,
    pub(crate) decl: Option<Item>,
}

/// The names of one parsed document.
pub(crate) struct Index {
    pub(crate) procedure: ProcedureDecl,
    pub(crate) occurrences: Vec<Occurrence>,
}

impl Index {
    /// `None` when the text declares no procedure (it did not parse).
    pub(crate) fn new(procedure: ProcedureDecl) -> Index {
        let mut walker = Walker {
            procedure: &procedure,
            out: Vec::new(),
        };
        walker.procedure();
        let occurrences = walker.out;
        Index {
            procedure,
            occurrences,
        }
    }

    /// Parses `text`; `None` when it does not parse far enough to have a
    /// procedure.
    pub(crate) fn parse(text: &str) -> Option<Index> {
        let (file, _) = crate::syntax::parse(text);
        file?.procedure.map(Index::new)
    }

    /// The occurrences whose name covers `offset` (a cursor just after a
    /// name is on it, as editors expect).
    pub(crate) fn at(&self, offset: usize) -> Vec<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.span.start <= offset && offset <= o.span.end)
            .collect()
    }

    /// Where the name of `occurrence` is declared (an event may be named by
    /// several transitions, each of which declares it).
    pub(crate) fn declarations<'a>(
        &'a self,
        occurrence: &'a Occurrence,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.references(occurrence).filter(|o| o.decl.is_some())
    }

    /// Every occurrence of the same name in the same space, declarations
    /// included, in the order of the text.
    pub(crate) fn references<'a>(
        &'a self,
        occurrence: &'a Occurrence,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences
            .iter()
            .filter(move |o| o.space == occurrence.space && o.name == occurrence.name)
    }

    /// The names declared in a space, each once, in the order declared.
    pub(crate) fn names(&self, space: &Space) -> Vec<(&str, Item)> {
        let mut names: Vec<(&str, Item)> = Vec::new();
        for o in &self.occurrences {
            if let (true, Some(item)) = (o.space == *space, o.decl) {
                if !names.iter().any(|(n, _)| *n == o.name) {
                    names.push((&o.name, item));
                }
            }
        }
        names
    }

    /// The index of the step named `name`.
    pub(crate) fn step(&self, name: &str) -> Option<usize> {
        self.procedure
            .steps
            .iter()
            .position(|s| s.name.text == name)
    }
}

struct Walker<'a> {
    procedure: &'a ProcedureDecl,
    out: Vec<Occurrence>,
}

impl Walker<'_> {
    fn push(&mut self, space: Space, name: &Name, decl: Option<Item>) {
        self.out.push(Occurrence {
            space,
            name: name.text.clone(),
            span: name.span,
            decl,
        });
    }

    fn procedure(&mut self) {
        let p = self.procedure;
        self.push(Space::Procedure, &p.name, Some(Item::Procedure));
        for (i, c) in p.calendars.iter().enumerate() {
            self.push(Space::Calendar, &c.name, Some(Item::Calendar(i)));
            self.push(Space::Calendar, &c.base, None);
        }
        for c in &p.calendar_uses {
            self.push(Space::Calendar, &c.value, None);
        }
        for limit in &p.limits {
            self.duration(&limit.duration);
            self.anchor(&limit.anchor);
            if let Some(until) = &limit.until {
                self.date(until);
            }
        }
        for (i, r) in p.roles.iter().enumerate() {
            self.push(Space::Role, &r.name, Some(Item::Role(i)));
            for other in &r.not_also {
                self.push(Space::Role, other, None);
            }
        }
        for (i, f) in p.facts.iter().enumerate() {
            self.push(Space::Fact, &f.name, Some(Item::Fact(i)));
            self.choice(&f.ty);
        }
        // Settings share the facts' namespace, as in the checker.
        for (i, st) in p.settings.iter().enumerate() {
            self.push(Space::Fact, &st.name, Some(Item::Setting(i)));
            self.choice(&st.ty);
        }
        for (i, b) in p.bodies.iter().enumerate() {
            self.push(Space::Body, &b.name, Some(Item::Body(i)));
        }
        for route in &p.routes {
            self.route(route);
        }
        for a in &p.anywhere {
            self.push(Space::Event, &a.event, None);
            if let Some(g) = &a.guard {
                self.guard(g, None);
            }
            self.push(Space::Target, &a.target, None);
        }
        for s in &p.starts {
            self.push(Space::Target, &s.value, None);
        }
        for si in 0..p.steps.len() {
            self.step(si);
        }
        for (i, o) in p.outcomes.iter().enumerate() {
            self.push(Space::Target, &o.name, Some(Item::Outcome(i)));
            for route in o.block.iter().flat_map(|b| &b.routes) {
                self.route(route);
            }
        }
        // Declarations and uses interleave in the text; keep text order so
        // that references list as a reader meets them.
        self.out.sort_by_key(|o| o.span.start);
    }

    fn step(&mut self, si: usize) {
        let step = &self.procedure.steps[si];
        self.push(Space::Target, &step.name, Some(Item::Step(si)));
        for lead in &step.leads {
            self.push(Space::Role, &lead.value, None);
        }
        for d in &step.lead_different {
            self.push(Space::Target, &d.step, None);
        }
        for (ti, task) in step.tasks.iter().enumerate() {
            self.push(Space::Task(si), &task.name, Some(Item::Task(si, ti)));
            self.push(Space::Event, &task.name, Some(Item::Task(si, ti)));
            if let Some(by) = &task.by {
                self.push(Space::Role, by, None);
            }
            if let Some(guard) = &task.guard {
                self.guard(guard, None);
            }
            if let Some(until) = &task.until {
                self.date(until);
            }
            if let Some((duration, anchor)) = &task.within {
                self.duration(duration);
                if let Some(anchor) = anchor {
                    self.anchor(anchor);
                }
            }
        }
        for (di, d) in step.deadlines.iter().enumerate() {
            self.push(Space::Deadline(si), &d.name, Some(Item::Deadline(si, di)));
            self.duration(&d.duration);
            if let Some(anchor) = &d.anchor {
                self.anchor(anchor);
            }
            if let Some(until) = &d.until {
                self.date(until);
            }
            if let Some(Extension::UpTo(ceiling)) = &d.extension {
                self.duration(ceiling);
            }
            for event in &d.met_by {
                self.push(Space::Event, event, None);
            }
            if let Some(g) = &d.guard {
                self.guard(g, None);
            }
        }
        for (pi, pause) in step.pauses.iter().enumerate() {
            self.push(Space::Pause(si), &pause.name, Some(Item::Pause(si, pi)));
            if let Some(role) = &pause.consent_of {
                self.push(Space::Role, role, None);
            }
            if let Some(g) = &pause.guard {
                self.guard(g, None);
            }
        }
        for (ti, t) in step.transitions.iter().enumerate() {
            self.push(Space::Event, &t.event, Some(Item::Transition(si, ti)));
            let fields = Space::Field(t.event.text.clone());
            for (fi, param) in t.params.iter().enumerate() {
                self.push(fields.clone(), &param.name, Some(Item::Field(si, ti, fi)));
                self.choice(&param.ty);
            }
            if let Some(by) = &t.by {
                self.push(Space::Role, by, None);
            }
            for also in &t.also_by {
                self.push(Space::Role, also, None);
            }
            if let Some(guard) = &t.guard {
                let names: Vec<&str> = t.params.iter().map(|p| p.name.text.as_str()).collect();
                self.guard(guard, Some((&t.event.text, &names)));
            }
            for task in t.requires.iter().chain(&t.reopens) {
                self.push(Space::Task(si), task, None);
            }
            self.push(Space::Target, &t.target, None);
        }
        for (ei, e) in step.escalations.iter().enumerate() {
            self.push(Space::Target, &e.target, None);
            self.push(Space::Event, &e.event, Some(Item::Escalation(si, ei)));
            if let Some(by) = &e.by {
                self.push(Space::Role, by, None);
            }
            self.duration(&e.within);
            self.anchor(&e.anchor);
            if let Some(until) = &e.until {
                self.date(until);
            }
            if let Some(g) = &e.guard {
                self.guard(g, None);
            }
        }
        for o in &step.otherwise {
            self.push(Space::Target, &o.value, None);
        }
        for m in &step.missed_moves {
            self.push(Space::Deadline(si), &m.deadline, None);
            self.push(Space::Target, &m.target, None);
        }
        for r in step
            .rejects
            .iter()
            .chain(&step.refusals)
            .chain(&step.entry_moves)
            .chain(&step.otherwise_when)
        {
            self.guard(&r.guard, None);
            if let Some(target) = &r.target {
                self.push(Space::Target, target, None);
            }
        }
        for route in &step.routes {
            self.route(route);
        }
    }

    fn route(&mut self, route: &RouteDecl) {
        self.push(Space::Body, &route.body, None);
        if let Some(guard) = &route.guard {
            self.guard(guard, None);
        }
    }

    fn choice(&mut self, ty: &TypeExpr) {
        if let TypeExpr::Enum { values, span } = ty {
            for v in values {
                self.push(Space::Value, v, Some(Item::Value(*span)));
            }
        }
    }

    fn duration(&mut self, duration: &Duration) {
        if let Duration::Fact(name) = duration {
            self.push(Space::Fact, name, None);
        }
    }

    fn anchor(&mut self, anchor: &Anchor) {
        match anchor {
            // A date fact is a fact; otherwise the name is an event.
            Anchor::Event(name)
                if self
                    .procedure
                    .facts
                    .iter()
                    .any(|f| f.name.text == name.text) =>
            {
                self.push(Space::Fact, name, None)
            }
            Anchor::Event(name) => self.push(Space::Event, name, None),
            Anchor::Date(e) => self.date(e),
            Anchor::Entry(_) => {}
        }
    }

    /// A date expression of an anchor or `until`: a name is a fact, else
    /// an event standing for the day it happened, as the checker reads it.
    fn date(&mut self, expr: &Expr) {
        match expr {
            Expr::Name(name) => self.anchor(&Anchor::Event(name.clone())),
            Expr::Shift { date, by, .. } => {
                self.date(date);
                self.date(by);
            }
            Expr::Extreme { dates, .. } => {
                for d in dates {
                    self.date(d);
                }
            }
            other => self.guard(other, None),
        }
    }

    /// A name in a guard is the event's data field, else a fact, else a
    /// value of a choice, as the checker decides.
    fn guard(&mut self, expr: &Expr, fields: Option<(&str, &[&str])>) {
        match expr {
            Expr::Name(name) => {
                let space = match fields {
                    Some((event, names)) if names.contains(&name.text.as_str()) => {
                        Space::Field(event.to_string())
                    }
                    _ if self
                        .procedure
                        .facts
                        .iter()
                        .any(|f| f.name.text == name.text) =>
                    {
                        Space::Fact
                    }
                    _ => Space::Value,
                };
                self.push(space, name, None);
            }
            Expr::Not { operand, .. } => self.guard(operand, fields),
            Expr::Binary { lhs, rhs, .. } => {
                self.guard(lhs, fields);
                self.guard(rhs, fields);
            }
            Expr::In {
                operand, values, ..
            } => {
                self.guard(operand, fields);
                for v in values {
                    self.push(Space::Value, v, None);
                }
            }
            Expr::Bool { .. } | Expr::Date(_) | Expr::Duration { .. } | Expr::Text(_) => {}
            Expr::Shift { date, by, .. } => {
                self.guard(date, fields);
                self.guard(by, fields);
            }
            Expr::DateOf { event, .. } => self.push(Space::Event, event, None),
            Expr::Extreme { dates, .. } => {
                for d in dates {
                    self.guard(d, fields);
                }
            }
            Expr::Moment { .. } | Expr::Closed { .. } | Expr::Missed { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"procedure p "P" {
  role officer "Officer"
  fact kind: child | adult
  start first
  step first "First" {
    lead officer
    task acknowledge "Acknowledge"
    deadline reply 20 working days from acknowledge met by done
    on done(result: yes | no) when result == yes and kind == child requires acknowledge -> closed
  }
  outcome closed "Closed"
}"#;

    fn spans(index: &Index, space: &Space, name: &str) -> Vec<(usize, bool)> {
        index
            .occurrences
            .iter()
            .filter(|o| o.space == *space && o.name == name)
            .map(|o| (o.span.start, o.decl.is_some()))
            .collect()
    }

    #[test]
    fn a_task_is_a_task_of_its_step_and_an_event() {
        let index = Index::parse(TEXT).expect("parses");
        let decl = TEXT.find("acknowledge").unwrap_or_default();
        let from = TEXT.find("from acknowledge").unwrap_or_default() + 5;
        let requires = TEXT.find("requires acknowledge").unwrap_or_default() + 9;
        assert_eq!(
            spans(&index, &Space::Task(0), "acknowledge"),
            [(decl, true), (requires, false)]
        );
        assert_eq!(
            spans(&index, &Space::Event, "acknowledge"),
            [(decl, true), (from, false)]
        );
    }

    #[test]
    fn guard_names_are_fields_then_facts_then_values() {
        let index = Index::parse(TEXT).expect("parses");
        assert_eq!(
            spans(&index, &Space::Field("done".into()), "result").len(),
            2
        );
        assert_eq!(spans(&index, &Space::Fact, "kind").len(), 2);
        assert_eq!(spans(&index, &Space::Value, "child").len(), 2);
        assert_eq!(spans(&index, &Space::Value, "yes").len(), 2);
        let closed = spans(&index, &Space::Target, "closed");
        assert_eq!(closed.iter().filter(|(_, d)| *d).count(), 1);
        assert_eq!(closed.len(), 2);
    }

    #[test]
    fn a_route_in_an_outcome_block_uses_its_body_and_its_condition_s_facts() {
        let text = r#"procedure p "P" {
  role officer "Officer"
  fact serious: bool
  body reviewer ombudsman "Reviewer"
  start first
  step first "First" {
    lead officer
    on done -> upheld
  }
  outcome upheld "Upheld" {
    route to reviewer when serious within 6 months of closed
  }
}"#;
        let index = Index::parse(text).expect("parses");
        let decl = text.find("reviewer ombudsman").unwrap_or_default();
        let used = text.find("to reviewer").unwrap_or_default() + 3;
        assert_eq!(
            spans(&index, &Space::Body, "reviewer"),
            [(decl, true), (used, false)]
        );
        assert_eq!(spans(&index, &Space::Fact, "serious").len(), 2);
    }
}
