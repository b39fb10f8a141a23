//! Every distinct path through a procedure, from `start` to an outcome,
//! with the least and the most time each can take.
//!
//! Time model, in working days. Each step on a path is bounded by the way
//! the path leaves it:
//! - by a request inside an escalation window: at most the window;
//! - by `otherwise`: exactly the window, and the day after it closes;
//! - by a refusal or rejection: on entry, no time;
//! - by any other event: the step's longest deadline, extended to its
//!   ceiling (`extendable to`).
//!
//! A step with no deadline and no window, a deadline extendable by
//! agreement (no ceiling), or one given by a duration fact make the path's
//! worst case open-ended; the path says which and why. Weeks count as 5
//! working days, months as 22, calendar days as 5 in 7 (bank holidays are
//! not counted: the figures are for comparing paths, not due dates).
//!
//! A loop (a step entered again) is taken at most `max_loops` times.

use serde::Serialize;

use crate::check::ir::{DurationSpec, Extension, Procedure, Step, StepId, Target, Unit};

/// How many paths are enumerated at most, so that a procedure full of
/// loops cannot exhaust memory.
pub const MAX_PATHS: usize = 10_000;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Path {
    /// The steps in order, then the outcome.
    pub steps: Vec<String>,
    /// The event that moves the case on from each step (`window closed`
    /// for an automatic move, `refused` or `rejected` for a refusal).
    pub events: Vec<String>,
    pub outcome: String,
    pub min_working_days: u32,
    /// The worst case, counting ceilings but not open-ended extensions.
    pub max_working_days: u32,
    /// Why the worst case can be longer than `max_working_days`.
    pub open_ended: Vec<String>,
    /// Duration facts the path's time depends on.
    pub depends_on_facts: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Paths {
    pub procedure: String,
    pub max_loops: u32,
    pub paths: Vec<Path>,
    /// Whether enumeration stopped at [`MAX_PATHS`].
    pub truncated: bool,
    pub longest_worst_case: Option<u32>,
    /// Index into `paths` of the longest worst case.
    pub longest_path: Option<usize>,
    pub outcomes_reachable: Vec<String>,
    pub outcomes_unreachable: Vec<String>,
}

/// A duration in working days, for comparing paths.
pub fn working_days(amount: u32, unit: Unit) -> u32 {
    match unit {
        Unit::WorkingDays => amount,
        Unit::Days => (amount * 5).div_ceil(7),
        Unit::Weeks => amount * 5,
        Unit::Months => amount * 22,
    }
}

/// A step's time on a path: least, most, and why it may be longer.
struct Leg {
    min: u32,
    max: u32,
    open_ended: Vec<String>,
    facts: Vec<String>,
}

/// How a path leaves a step.
enum Exit {
    Event,
    Window(DurationSpec),
    Otherwise(DurationSpec),
    Immediate,
}

struct Edge {
    label: String,
    target: Target,
    exit: Exit,
}

fn duration_days(procedure: &Procedure, spec: DurationSpec, leg: &mut Leg, what: &str) -> u32 {
    match spec {
        DurationSpec::Fixed { amount, unit } => working_days(amount, unit),
        DurationSpec::Fact(f) => {
            let name = procedure
                .facts
                .get(f.index())
                .map_or("?".into(), |f| f.name.clone());
            if !leg.facts.contains(&name) {
                leg.facts.push(name.clone());
            }
            leg.open_ended
                .push(format!("{what} is the case's `{name}`"));
            0
        }
    }
}

fn leg(procedure: &Procedure, step: &Step, exit: &Exit) -> Leg {
    let mut leg = Leg {
        min: 0,
        max: 0,
        open_ended: Vec::new(),
        facts: Vec::new(),
    };
    match exit {
        Exit::Immediate => {}
        Exit::Window(within) => {
            leg.max = duration_days(
                procedure,
                *within,
                &mut leg,
                &format!("the window in {}", step.name),
            );
        }
        Exit::Otherwise(within) => {
            let days = duration_days(
                procedure,
                *within,
                &mut leg,
                &format!("the window in {}", step.name),
            ) + 1;
            leg.min = days;
            leg.max = days;
        }
        Exit::Event => {
            if step.deadlines.is_empty() {
                leg.open_ended
                    .push(format!("{} has no time limit", step.name));
            }
            for d in &step.deadlines {
                let what = format!("{}.{}", step.name, d.name);
                let days = match &d.extension {
                    Extension::UpTo(ceiling) => duration_days(procedure, *ceiling, &mut leg, &what),
                    Extension::ByAgreement => {
                        leg.open_ended.push(format!(
                            "{what} may be extended by agreement without a ceiling"
                        ));
                        duration_days(procedure, d.duration, &mut leg, &what)
                    }
                    Extension::None => duration_days(procedure, d.duration, &mut leg, &what),
                };
                leg.max = leg.max.max(days);
            }
        }
    }
    leg
}

fn edges(procedure: &Procedure, step: &Step) -> Vec<Edge> {
    let name = |e: crate::check::ir::EventId| {
        procedure
            .events
            .get(e.index())
            .map_or("?".into(), |e| e.name.clone())
    };
    let mut edges = Vec::new();
    for (word, list) in [("refused", &step.refusals), ("rejected", &step.rejects)] {
        for r in list.iter() {
            if let Some(target) = r.target {
                edges.push(Edge {
                    label: word.to_string(),
                    target,
                    exit: Exit::Immediate,
                });
            }
        }
    }
    for t in &step.transitions {
        edges.push(Edge {
            label: name(t.event),
            target: t.target,
            exit: Exit::Event,
        });
    }
    for e in &step.escalations {
        edges.push(Edge {
            label: name(e.event),
            target: Target::Step(e.target),
            exit: Exit::Window(e.within),
        });
    }
    if let Some(o) = &step.otherwise {
        let within = step
            .escalations
            .iter()
            .map(|e| e.within)
            .max_by_key(|w| match w {
                DurationSpec::Fixed { amount, unit } => working_days(*amount, *unit),
                DurationSpec::Fact(_) => 0,
            });
        if let Some(within) = within {
            edges.push(Edge {
                label: "window closed".into(),
                target: o.target,
                exit: Exit::Otherwise(within),
            });
        }
    }
    edges
}

struct Walk<'a> {
    procedure: &'a Procedure,
    max_visits: u32,
    visits: Vec<u32>,
    steps: Vec<String>,
    events: Vec<String>,
    legs: Vec<Leg>,
    found: Vec<Path>,
    truncated: bool,
}

impl Walk<'_> {
    fn from(&mut self, step_id: StepId) {
        if self.found.len() >= MAX_PATHS {
            self.truncated = true;
            return;
        }
        let Some(step) = self.procedure.steps.get(step_id.index()) else {
            return;
        };
        self.visits[step_id.index()] += 1;
        self.steps.push(step.name.clone());
        for edge in edges(self.procedure, step) {
            // A transition back into the same step keeps its clocks: it
            // takes no time of its own, so it adds nothing to a path.
            if edge.target == Target::Step(step_id) {
                continue;
            }
            self.legs.push(leg(self.procedure, step, &edge.exit));
            self.events.push(edge.label.clone());
            match edge.target {
                Target::Outcome(o) => self.finish(o),
                Target::Step(next) => {
                    if self.visits[next.index()] < self.max_visits {
                        self.from(next);
                    }
                }
            }
            self.events.pop();
            self.legs.pop();
        }
        self.steps.pop();
        self.visits[step_id.index()] -= 1;
    }

    fn finish(&mut self, outcome: crate::check::ir::OutcomeId) {
        let mut open_ended = Vec::new();
        let mut facts = Vec::new();
        for leg in &self.legs {
            for reason in &leg.open_ended {
                if !open_ended.contains(reason) {
                    open_ended.push(reason.clone());
                }
            }
            for f in &leg.facts {
                if !facts.contains(f) {
                    facts.push(f.clone());
                }
            }
        }
        self.found.push(Path {
            steps: self.steps.clone(),
            events: self.events.clone(),
            outcome: self
                .procedure
                .outcomes
                .get(outcome.index())
                .map_or("?".into(), |o| o.name.clone()),
            min_working_days: self.legs.iter().map(|l| l.min).sum(),
            max_working_days: self.legs.iter().map(|l| l.max).sum(),
            open_ended,
            depends_on_facts: facts,
        });
    }
}

/// Every path from `start` to an outcome, each step entered at most
/// `max_loops + 1` times.
pub fn paths(procedure: &Procedure, max_loops: u32) -> Paths {
    let mut walk = Walk {
        procedure,
        max_visits: max_loops.saturating_add(1),
        visits: vec![0; procedure.steps.len()],
        steps: Vec::new(),
        events: Vec::new(),
        legs: Vec::new(),
        found: Vec::new(),
        truncated: false,
    };
    walk.from(procedure.start);
    // Refusals for different reasons give the same steps and events; they
    // are one path.
    let mut found: Vec<Path> = Vec::with_capacity(walk.found.len());
    for path in walk.found {
        let same = |p: &Path| {
            p.steps == path.steps && p.events == path.events && p.outcome == path.outcome
        };
        if !found.iter().any(same) {
            found.push(path);
        }
    }
    let longest_path = found
        .iter()
        .enumerate()
        .max_by_key(|(i, p)| (p.max_working_days, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    let mut reachable: Vec<String> = Vec::new();
    for p in &found {
        if !reachable.contains(&p.outcome) {
            reachable.push(p.outcome.clone());
        }
    }
    let unreachable = procedure
        .declared_outcomes()
        .filter(|o| !reachable.contains(&o.name))
        .map(|o| o.name.clone())
        .collect();
    Paths {
        procedure: procedure.id.clone(),
        max_loops,
        longest_worst_case: longest_path.map(|i| found[i].max_working_days),
        longest_path,
        truncated: walk.truncated,
        paths: found,
        outcomes_reachable: reachable,
        outcomes_unreachable: unreachable,
    }
}

/// "step1 -[response_sent]-> step1_considered -[window closed]-> resolved".
pub fn describe(path: &Path) -> String {
    let mut text = String::new();
    for (step, event) in path.steps.iter().zip(&path.events) {
        text.push_str(&format!("{step} -[{event}]-> "));
    }
    text.push_str(&path.outcome);
    text
}

/// The paths for people.
pub fn human(paths: &Paths) -> String {
    let mut out = format!(
        "{}: {} path{} from start to an outcome (each loop taken at most {} time{}){}\n\n",
        paths.procedure,
        paths.paths.len(),
        if paths.paths.len() == 1 { "" } else { "s" },
        paths.max_loops,
        if paths.max_loops == 1 { "" } else { "s" },
        if paths.truncated {
            ", stopped at the first 10,000"
        } else {
            ""
        }
    );
    for (i, p) in paths.paths.iter().enumerate() {
        out.push_str(&format!("{:>3}. {}\n", i + 1, describe(p)));
        out.push_str(&format!(
            "     {}–{} working days",
            p.min_working_days, p.max_working_days
        ));
        if !p.open_ended.is_empty() {
            out.push_str(&format!(", or longer: {}", p.open_ended.join("; ")));
        }
        out.push('\n');
    }
    if let (Some(days), Some(i)) = (paths.longest_worst_case, paths.longest_path) {
        let open = paths.paths.get(i).is_some_and(|p| !p.open_ended.is_empty());
        let all_open = paths.paths.iter().all(|p| !p.open_ended.is_empty());
        let caveat = match (open, all_open) {
            (_, true) => ", counting only fixed time limits: every path is open-ended (see above)",
            (true, false) => ", or longer: it is open-ended (see above)",
            _ => "",
        };
        out.push_str(&format!(
            "\nlongest worst case: {days} working days (path {}){caveat}\n",
            i + 1
        ));
    }
    out.push_str(&format!(
        "outcomes reachable: {}\n",
        paths.outcomes_reachable.join(", ")
    ));
    if !paths.outcomes_unreachable.is_empty() {
        out.push_str(&format!(
            "outcomes unreachable: {}\n",
            paths.outcomes_unreachable.join(", ")
        ));
    }
    out
}
