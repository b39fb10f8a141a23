//! The paths through a procedure, from `start` to an outcome, with the
//! least and the most time each can take.
//!
//! Time model, in working days, with lengths in other units converted by
//! [`approximate_length`] (the model guards and the checker use). Each step
//! on a path is bounded by the way the path leaves it:
//! - by a request inside an escalation window: at most the window;
//! - by `otherwise`: exactly the window, and the day after it closes;
//! - by a refusal or rejection: on entry, no time;
//! - by any other event: the step's longest deadline, extended to its
//!   ceiling (`extendable to`).
//!
//! A deadline or window counted `from` an event of the step itself starts
//! when that event comes: a task's event at most the task's own `within`
//! after its anchor, a request at most its window after its anchor. The
//! worst case adds that wait; an event with no bound of its own (a task
//! without `within`, a transition that stays in the step, `paused`…)
//! makes it open-ended. An event the step does not receive came before
//! entry, so counting from entry is an upper bound.
//!
//! A step with no deadline and no window, a deadline extendable by
//! agreement (no ceiling), or one given by a duration fact also make the
//! path's worst case open-ended; the path says which and why.
//!
//! Loops. A depth-first walk from `start` takes transitions in declaration
//! order; a transition to a step the walk is still inside (an earlier step)
//! is a loop. Without loops the steps form an acyclic graph, so a path with
//! at most `max_loops` loops is a path in the graph of (step, loops used),
//! which is acyclic too. Counting paths, the longest worst case and the
//! shortest best case are then dynamic programming over those states, in
//! time proportional to their number times the transitions, however many
//! paths there are. Only the listing of paths walks them one by one, and it
//! stops at a limit.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::check::ir::{
    approximate_length, Anchor, DurationSpec, EventId, Extension, Procedure, Step, StepId, Target,
    BUILTIN_EVENTS, LENGTH_OF_A_WORKING_DAY,
};

/// The built-in event that starts a case, before any step is entered.
const RECEIVED: &str = BUILTIN_EVENTS[0];

/// How many paths are listed unless the caller says otherwise.
pub const DEFAULT_LIMIT: usize = 200;

/// The most loops a path may be allowed to take.
pub const MAX_LOOPS: u32 = 1000;

/// The most (step, loops used) states analysed, so that memory stays
/// bounded (about 40 bytes each) whatever the procedure and `max_loops`.
pub const MAX_STATES: usize = 1_000_000;

/// Listing stops once the listed paths have this many steps between
/// them, so that a limit of a few hundred long paths stays small.
const MAX_LISTED_STEPS: usize = 200_000;

/// What to analyse and how much to list.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// How many loops (transitions back to an earlier step) a path may take.
    pub max_loops: u32,
    /// How many paths to list at most.
    pub limit: usize,
}

/// Why a procedure cannot be analysed with the options given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TooLarge {
    /// More loops than [`MAX_LOOPS`].
    Loops { max_loops: u32 },
    /// More states than [`MAX_STATES`].
    States { steps: usize, max_loops: u32 },
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Path {
    /// The steps in order, then the outcome.
    pub steps: Vec<String>,
    /// The event that moves the case on from each step (`window closed`
    /// for an automatic move, `refused` or `rejected` for a refusal,
    /// `on entry` for a step left straight away by `on entry when …`).
    pub events: Vec<String>,
    pub outcome: String,
    /// The best case, rounded down to a working day.
    pub min_working_days: u32,
    /// The worst case, counting ceilings but not open-ended extensions,
    /// rounded up to a working day.
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
    /// The paths listed: the first `limit` in the walk's order.
    pub paths: Vec<Path>,
    /// Whether some paths are not listed.
    pub truncated: bool,
    /// How many paths were listed at most.
    pub limit: usize,
    /// How many paths there are, listed or not (at most `u64::MAX`).
    pub total_paths: u64,
    /// How many paths are not in `paths`.
    pub paths_not_listed: u64,
    pub longest_worst_case: Option<u32>,
    /// Index into `paths` of the longest worst case, when it is listed.
    pub longest_path: Option<usize>,
    /// The path with the longest worst case, listed or not.
    pub longest: Option<Path>,
    /// Whether every path's worst case is open-ended.
    pub all_open_ended: bool,
    /// The least time any path can take.
    pub shortest_best_case: Option<u32>,
    pub outcomes_reachable: Vec<String>,
    pub outcomes_unreachable: Vec<String>,
    /// Each track's own bound (tracks run beside the paths and do not
    /// lengthen them); left out when the procedure has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<super::tracks::TrackBound>,
}

/// A path's worst case over the procedure's `limit`, for W0508.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverLimit {
    /// The limit in working days, rounded down.
    pub limit_working_days: u32,
    /// The longest worst case in working days, rounded up.
    pub working_days: u32,
    /// The longest path, described.
    pub path: String,
}

/// A duration in whole working days, rounded up, by [`approximate_length`].
pub fn working_days(amount: u32, unit: crate::check::ir::Unit) -> u32 {
    days_up(approximate_length(amount, unit))
}

/// A length in working days, rounded up: a worst case is never understated.
fn days_up(length: u64) -> u32 {
    u32::try_from(length.div_ceil(LENGTH_OF_A_WORKING_DAY)).unwrap_or(u32::MAX)
}

/// A length in working days, rounded down: a best case is never overstated.
fn days_down(length: u64) -> u32 {
    u32::try_from(length / LENGTH_OF_A_WORKING_DAY).unwrap_or(u32::MAX)
}

/// A step's time on a path, in [`approximate_length`] units: least, most,
/// and why it may be longer.
#[derive(Clone, Default)]
struct Leg {
    min: u64,
    max: u64,
    open_ended: Vec<String>,
    facts: Vec<String>,
}

impl Leg {
    fn open(&mut self, reason: String) {
        if !self.open_ended.contains(&reason) {
            self.open_ended.push(reason);
        }
    }

    /// A duration's length; a duration fact makes the leg open-ended.
    fn length(&mut self, procedure: &Procedure, spec: DurationSpec, what: &str) -> u64 {
        match spec {
            DurationSpec::Fixed { amount, unit } => approximate_length(amount, unit),
            DurationSpec::Fact(f) if procedure.setting(f).is_some() => {
                match procedure.setting(f).map(|s| &s.value) {
                    Some(crate::check::ir::Value::Duration(amount, unit)) => {
                        approximate_length(*amount, *unit)
                    }
                    _ => 0,
                }
            }
            DurationSpec::Fact(f) => {
                let name = procedure
                    .facts
                    .get(f.index())
                    .map_or("?".into(), |f| f.name.clone());
                self.open(format!("{what} is the case's `{name}`"));
                if !self.facts.contains(&name) {
                    self.facts.push(name);
                }
                0
            }
        }
    }
}

fn event_name(procedure: &Procedure, e: EventId) -> String {
    procedure
        .events
        .get(e.index())
        .map_or("?".into(), |e| e.name.clone())
}

/// How many anchors counted from anchors are followed before the worst
/// case is called open-ended, so that a long chain of tasks each counted
/// from the last costs little.
const MAX_ANCHOR_CHAIN: usize = 32;

/// The time limits of one step, with its events indexed so that following
/// an anchor costs a look-up, not a search.
struct StepTimes<'a> {
    procedure: &'a Procedure,
    step: &'a Step,
    tasks: HashMap<EventId, usize>,
    requests: HashMap<EventId, usize>,
}

impl<'a> StepTimes<'a> {
    fn new(procedure: &'a Procedure, step: &'a Step) -> StepTimes<'a> {
        let mut tasks = HashMap::new();
        for (i, t) in step.tasks.iter().enumerate() {
            tasks.entry(t.event).or_insert(i);
        }
        let mut requests = HashMap::new();
        for (i, r) in step.escalations.iter().enumerate() {
            requests.entry(r.event).or_insert(i);
        }
        StepTimes {
            procedure,
            step,
            tasks,
            requests,
        }
    }

    /// The latest an anchor can come after entry into the step. `what`
    /// names the time limit counted from it; `through` holds the events
    /// already being followed, so that anchors counted from each other end.
    fn anchor_delay(
        &self,
        anchor: Anchor,
        what: &str,
        leg: &mut Leg,
        through: &mut Vec<EventId>,
    ) -> u64 {
        let e = match anchor {
            Anchor::Event(e) => e,
            // A date the case gives (a fact, `until …`) can be any day:
            // no bound can be sound.
            Anchor::Fact(_) | Anchor::Date(_) => {
                leg.open(format!("{what} counts from or to a date the case gives"));
                return 0;
            }
            Anchor::Entry => return 0,
        };
        let (procedure, step) = (self.procedure, self.step);
        let name = event_name(procedure, e);
        if through.contains(&e) {
            leg.open(format!(
                "{what} counts from `{name}`, which is counted from itself"
            ));
            return 0;
        }
        if through.len() >= MAX_ANCHOR_CHAIN {
            leg.open(format!(
                "{what} counts from `{name}`, at the end of a chain of more than {MAX_ANCHOR_CHAIN} events each counted from the last"
            ));
            return 0;
        }
        through.push(e);
        let task = self.tasks.get(&e).and_then(|i| step.tasks.get(*i));
        let request = self.requests.get(&e).and_then(|i| step.escalations.get(*i));
        let builtin = procedure.events.get(e.index()).is_some_and(|ev| ev.builtin);
        let delay = if let Some(task) = task {
            match task.within {
                Some((within, from)) => {
                    let task_what = format!("{}.{}", step.name, task.name);
                    self.anchor_delay(from, &task_what, leg, through)
                        + leg.length(procedure, within, &task_what)
                }
                None => {
                    leg.open(format!(
                        "{what} counts from `{name}`, a task with no time limit"
                    ));
                    0
                }
            }
        } else if let Some(request) = request {
            let window = format!("the window for `{name}` in {}", step.name);
            self.anchor_delay(request.anchor, &window, leg, through)
                + leg.length(procedure, request.within, &window)
        } else if step.transitions_on(e).next().is_some() || (builtin && name != RECEIVED) {
            leg.open(format!(
                "{what} counts from `{name}`, which can come at any time"
            ));
            0
        } else {
            // An event of an earlier step, or `received`: it came before
            // entry, so counting from entry is an upper bound.
            0
        };
        through.pop();
        delay
    }

    /// The step's time when the path leaves it by `exit`.
    fn leg(&self, exit: &Exit) -> Leg {
        let (procedure, step) = (self.procedure, self.step);
        let mut leg = Leg::default();
        let mut through = Vec::new();
        match exit {
            Exit::Immediate => {}
            Exit::Window(i) => {
                if let Some(request) = step.escalations.get(*i) {
                    let what = format!("the window in {}", step.name);
                    leg.max = self.anchor_delay(request.anchor, &what, &mut leg, &mut through)
                        + leg.length(procedure, request.within, &what);
                }
            }
            Exit::Otherwise => {
                // The case moves on the day after the last window closes.
                for request in &step.escalations {
                    let what = format!("the window in {}", step.name);
                    let delay = self.anchor_delay(request.anchor, &what, &mut leg, &mut through);
                    let within = leg.length(procedure, request.within, &what);
                    leg.min = leg.min.max(within + LENGTH_OF_A_WORKING_DAY);
                    leg.max = leg.max.max(delay + within + LENGTH_OF_A_WORKING_DAY);
                }
            }
            Exit::Missed(d) => {
                if let Some(d) = step.deadlines.get(*d) {
                    let what = format!("{}.{}", step.name, d.name);
                    let delay = self.anchor_delay(d.anchor, &what, &mut leg, &mut through);
                    let length = leg.length(procedure, d.duration, &what);
                    leg.min = length + LENGTH_OF_A_WORKING_DAY;
                    leg.max = delay + length + LENGTH_OF_A_WORKING_DAY;
                }
            }
            Exit::Event => {
                if step.deadlines.is_empty() {
                    leg.open(format!("{} has no time limit", step.name));
                }
                for d in &step.deadlines {
                    let what = format!("{}.{}", step.name, d.name);
                    let delay = self.anchor_delay(d.anchor, &what, &mut leg, &mut through);
                    let length = match &d.extension {
                        Extension::UpTo(ceiling) => leg.length(procedure, *ceiling, &what),
                        Extension::ByAgreement => {
                            leg.open(format!(
                                "{what} may be extended by agreement without a ceiling"
                            ));
                            leg.length(procedure, d.duration, &what)
                        }
                        Extension::None => leg.length(procedure, d.duration, &what),
                    };
                    leg.max = leg.max.max(delay + length);
                }
            }
        }
        leg
    }
}

/// The latest an anchor of `step` can come after entry into the step, in
/// [`approximate_length`] units, following tasks and windows counted from
/// one another as the path analysis does; `Err` with the reasons when no
/// bound can be sound (a date the case gives, an event that can come at
/// any time). `redress assess` compares due dates through it.
pub fn anchor_latest(
    procedure: &Procedure,
    step: &Step,
    anchor: Anchor,
) -> Result<u64, Vec<String>> {
    let times = StepTimes::new(procedure, step);
    let mut leg = Leg::default();
    let delay = times.anchor_delay(anchor, "it", &mut leg, &mut Vec::new());
    if leg.open_ended.is_empty() {
        Ok(delay)
    } else {
        Err(leg.open_ended)
    }
}

/// How a path leaves a step.
enum Exit {
    /// `on missed`: the deadline, by position, passed unmet.
    Missed(usize),
    Event,
    Window(usize),
    Otherwise,
    Immediate,
}

/// One way out of a step, with the time the step takes on it.
struct Edge {
    label: String,
    target: Target,
    /// A transition back to a step the walk from `start` is still inside.
    back: bool,
    leg: Leg,
}

/// Each step's ways out, in declaration order: refusals, rejections,
/// transitions, requests, `otherwise`. Ways out with the same label and
/// target (refusals for different reasons, one event's guarded
/// transitions) are one, since they make the same path; a transition back
/// into its own step keeps the step's clocks and adds nothing, so it is
/// left out.
fn edges(procedure: &Procedure) -> Vec<Vec<Edge>> {
    let mut all = Vec::with_capacity(procedure.steps.len());
    for (i, step) in procedure.steps.iter().enumerate() {
        let step_id = StepId(i as u32);
        let mut ways: Vec<(String, Target, Exit)> = Vec::new();
        for (word, list) in [("refused", &step.refusals), ("rejected", &step.rejects)] {
            for r in list.iter() {
                if let Some(target) = r.target {
                    ways.push((word.to_string(), target, Exit::Immediate));
                }
            }
        }
        // `on entry when …` leaves on the day of entry, like a refusal;
        // when its guard does not hold, the step's other ways out remain.
        for m in &step.entry_moves {
            if let Some(target) = m.target {
                ways.push(("on entry".into(), target, Exit::Immediate));
            }
        }
        for t in &step.transitions {
            ways.push((event_name(procedure, t.event), t.target, Exit::Event));
        }
        // `anywhere on E`, in every step without a rule of its own for E.
        for a in &procedure.anywhere {
            if step.transitions_on(a.event).next().is_none() {
                ways.push((
                    event_name(procedure, a.event),
                    Target::Outcome(a.target),
                    Exit::Event,
                ));
            }
        }
        for (i, e) in step.escalations.iter().enumerate() {
            ways.push((
                event_name(procedure, e.event),
                Target::Step(e.target),
                Exit::Window(i),
            ));
        }
        // `on missed D` leaves the day after D's due date: as long as D,
        // at least and at most (an extension's ceiling is not counted).
        for m in &step.missed_moves {
            let name = step
                .deadlines
                .get(m.deadline)
                .map_or("?", |d| d.name.as_str());
            ways.push((format!("missed {name}"), m.target, Exit::Missed(m.deadline)));
        }
        // `otherwise when …` leaves when the windows close, as `otherwise`
        // does: the same time, another target.
        if !step.escalations.is_empty() {
            for o in &step.otherwise_when {
                if let Some(target) = o.target {
                    ways.push(("window closed".into(), target, Exit::Otherwise));
                }
            }
        }
        if let (Some(o), false) = (&step.otherwise, step.escalations.is_empty()) {
            ways.push(("window closed".into(), o.target, Exit::Otherwise));
        }
        let times = StepTimes::new(procedure, step);
        // Every transition on an event takes the same time (the step's
        // deadlines), so it is worked out once.
        let mut by_event: Option<Leg> = None;
        let mut seen: HashSet<(String, Target)> = HashSet::new();
        let mut edges: Vec<Edge> = Vec::new();
        for (label, target, exit) in ways {
            if target == Target::Step(step_id) || !seen.insert((label.clone(), target)) {
                continue;
            }
            let leg = match exit {
                Exit::Event => by_event.get_or_insert_with(|| times.leg(&exit)).clone(),
                _ => times.leg(&exit),
            };
            edges.push(Edge {
                leg,
                label,
                target,
                back: false,
            });
        }
        all.push(edges);
    }
    all
}

/// Marks loops (transitions to a step still on the walk's stack) and
/// returns the steps reachable from `start` in post-order: every other
/// transition goes to a step earlier in that order.
fn mark_loops(start: StepId, edges: &mut [Vec<Edge>]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut mark = vec![Mark::New; edges.len()];
    let mut order = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    if start.index() < edges.len() {
        mark[start.index()] = Mark::Open;
        stack.push((start.index(), 0));
    }
    while let Some((v, i)) = stack.pop() {
        let Some(edge) = edges[v].get_mut(i) else {
            mark[v] = Mark::Done;
            order.push(v);
            continue;
        };
        stack.push((v, i + 1));
        if let Target::Step(w) = edge.target {
            match mark.get(w.index()) {
                Some(Mark::Open) => edge.back = true,
                Some(Mark::New) => {
                    mark[w.index()] = Mark::Open;
                    stack.push((w.index(), 0));
                }
                _ => {}
            }
        }
    }
    order
}

/// What the dynamic programme knows about the paths from one state.
#[derive(Clone, Copy, Default)]
struct Best {
    /// How many paths lead from here to an outcome (saturating).
    count: u64,
    /// The longest worst case from here, when `count > 0`.
    max: u64,
    /// The shortest best case from here, when `count > 0`.
    min: u64,
    /// Whether some path from here has no open-ended step.
    closed: bool,
}

struct Analysis<'a> {
    procedure: &'a Procedure,
    edges: Vec<Vec<Edge>>,
    max_loops: usize,
    steps: usize,
    best: Vec<Best>,
}

impl Analysis<'_> {
    fn state(&self, step: usize, loops: usize) -> usize {
        loops * self.steps + step
    }

    /// The state an edge leads to from `loops` loops used, or `None` for an
    /// outcome; `Err` when it would take one loop too many.
    fn next(&self, edge: &Edge, loops: usize) -> Result<Option<(usize, usize)>, ()> {
        match edge.target {
            Target::Outcome(_) => Ok(None),
            Target::Step(w) => {
                let loops = loops + usize::from(edge.back);
                if loops > self.max_loops {
                    Err(())
                } else {
                    Ok(Some((w.index(), loops)))
                }
            }
        }
    }

    /// What is known of the paths through `edge` onwards, if there are any.
    fn through(&self, edge: &Edge, loops: usize) -> Option<Best> {
        let after = match self.next(edge, loops).ok()? {
            None => Best {
                count: 1,
                max: 0,
                min: 0,
                closed: true,
            },
            Some((w, l)) => self.best[self.state(w, l)],
        };
        (after.count > 0).then(|| Best {
            count: after.count,
            max: after.max.saturating_add(edge.leg.max),
            min: after.min.saturating_add(edge.leg.min),
            closed: after.closed && edge.leg.open_ended.is_empty(),
        })
    }

    fn solve(&mut self, order: &[usize]) {
        for loops in (0..=self.max_loops).rev() {
            for &v in order {
                let mut best = Best::default();
                for edge in &self.edges[v] {
                    let Some(b) = self.through(edge, loops) else {
                        continue;
                    };
                    if best.count == 0 {
                        best = b;
                    } else {
                        best.count = best.count.saturating_add(b.count);
                        best.max = best.max.max(b.max);
                        best.min = best.min.min(b.min);
                        best.closed |= b.closed;
                    }
                }
                let i = self.state(v, loops);
                self.best[i] = best;
            }
        }
    }

    fn path(&self, legs: &[(usize, usize)]) -> Path {
        let mut path = Path {
            steps: Vec::with_capacity(legs.len()),
            events: Vec::with_capacity(legs.len()),
            outcome: String::new(),
            min_working_days: 0,
            max_working_days: 0,
            open_ended: Vec::new(),
            depends_on_facts: Vec::new(),
        };
        let (mut min, mut max) = (0u64, 0u64);
        for &(v, i) in legs {
            let Some(edge) = self.edges[v].get(i) else {
                continue;
            };
            path.steps.push(self.procedure.steps[v].name.clone());
            path.events.push(edge.label.clone());
            min = min.saturating_add(edge.leg.min);
            max = max.saturating_add(edge.leg.max);
            for reason in &edge.leg.open_ended {
                if !path.open_ended.contains(reason) {
                    path.open_ended.push(reason.clone());
                }
            }
            for fact in &edge.leg.facts {
                if !path.depends_on_facts.contains(fact) {
                    path.depends_on_facts.push(fact.clone());
                }
            }
            if let Target::Outcome(_) = edge.target {
                path.outcome = self.procedure.target_name(edge.target).to_string();
            }
        }
        path.min_working_days = days_down(min);
        path.max_working_days = days_up(max);
        path
    }

    /// The first path, in the walk's order, whose worst case is the longest.
    fn longest(&self, start: usize) -> Option<Vec<(usize, usize)>> {
        let mut at = (start, 0);
        let mut legs = Vec::new();
        loop {
            let want = self.best[self.state(at.0, at.1)];
            if want.count == 0 {
                return None;
            }
            let (i, edge) = self.edges[at.0]
                .iter()
                .enumerate()
                .find(|(_, e)| self.through(e, at.1).is_some_and(|b| b.max == want.max))?;
            legs.push((at.0, i));
            match self.next(edge, at.1).ok()? {
                None => return Some(legs),
                Some(next) => at = next,
            }
        }
    }

    /// The first `limit` paths in the walk's order (declaration order at
    /// every step), following only states that lead to an outcome, so
    /// that every branch taken ends in a listed path.
    fn list(&self, start: usize, limit: usize) -> Vec<Path> {
        let mut found = Vec::new();
        if limit == 0 || self.best[self.state(start, 0)].count == 0 {
            return found;
        }
        let mut listed_steps = 0usize;
        // The current path: each step with its loops used and the edge
        // being tried.
        let mut stack: Vec<(usize, usize, usize)> = vec![(start, 0, 0)];
        while let Some(&(v, loops, i)) = stack.last() {
            let top = stack.len() - 1;
            let Some(edge) = self.edges[v].get(i) else {
                stack.pop();
                if let Some(parent) = stack.last_mut() {
                    parent.2 += 1;
                }
                continue;
            };
            if self.through(edge, loops).is_none() {
                stack[top].2 += 1;
                continue;
            }
            match self.next(edge, loops) {
                Ok(Some((w, l))) => stack.push((w, l, 0)),
                _ => {
                    let legs: Vec<(usize, usize)> = stack.iter().map(|&(v, _, i)| (v, i)).collect();
                    listed_steps += legs.len();
                    found.push(self.path(&legs));
                    if found.len() >= limit || listed_steps >= MAX_LISTED_STEPS {
                        return found;
                    }
                    stack[top].2 += 1;
                }
            }
        }
        found
    }

    /// Outcomes in the order the walk first reaches them.
    fn outcomes_reached(&self, start: usize) -> Vec<String> {
        let mut reached: Vec<String> = Vec::new();
        let mut seen = vec![false; self.best.len()];
        let mut stack = vec![(start, 0usize, 0usize)];
        seen[self.state(start, 0)] = true;
        while let Some(&(v, loops, i)) = stack.last() {
            let top = stack.len() - 1;
            let Some(edge) = self.edges[v].get(i) else {
                stack.pop();
                continue;
            };
            stack[top].2 += 1;
            match self.next(edge, loops) {
                Ok(None) => {
                    let name = self.procedure.target_name(edge.target).to_string();
                    if !reached.contains(&name) {
                        reached.push(name);
                    }
                }
                Ok(Some((w, l))) => {
                    let s = self.state(w, l);
                    if !seen[s] {
                        seen[s] = true;
                        stack.push((w, l, 0));
                    }
                }
                Err(()) => {}
            }
        }
        reached
    }
}

/// The paths from `start` to an outcome that take at most
/// `options.max_loops` loops: how many there are, the first
/// `options.limit` of them, and the longest and shortest.
pub fn paths(procedure: &Procedure, options: Options) -> Result<Paths, TooLarge> {
    if options.max_loops > MAX_LOOPS {
        return Err(TooLarge::Loops {
            max_loops: options.max_loops,
        });
    }
    let max_loops = options.max_loops as usize;
    let steps = procedure.steps.len();
    let states = steps.saturating_mul(max_loops + 1);
    if states > MAX_STATES {
        return Err(TooLarge::States {
            steps,
            max_loops: options.max_loops,
        });
    }
    let mut edges = edges(procedure);
    let order = mark_loops(procedure.start, &mut edges);
    let mut analysis = Analysis {
        procedure,
        edges,
        max_loops,
        steps,
        best: vec![Best::default(); states],
    };
    analysis.solve(&order);
    let start = procedure.start.index();
    let from_start = analysis.best.get(start).copied().unwrap_or_default();
    let listed = if start < steps {
        analysis.list(start, options.limit)
    } else {
        Vec::new()
    };
    let longest = if from_start.count > 0 {
        analysis.longest(start).map(|legs| analysis.path(&legs))
    } else {
        None
    };
    let longest_path = longest
        .as_ref()
        .and_then(|l| listed.iter().position(|p| p == l));
    let reachable = if start < steps {
        analysis.outcomes_reached(start)
    } else {
        Vec::new()
    };
    let unreachable = procedure
        .declared_outcomes()
        .filter(|o| !reachable.contains(&o.name))
        .map(|o| o.name.clone())
        .collect();
    let not_listed = from_start.count.saturating_sub(listed.len() as u64);
    Ok(Paths {
        procedure: procedure.id.clone(),
        max_loops: options.max_loops,
        truncated: not_listed > 0,
        limit: options.limit,
        total_paths: from_start.count,
        paths_not_listed: not_listed,
        longest_worst_case: (from_start.count > 0).then(|| days_up(from_start.max)),
        longest_path,
        longest,
        all_open_ended: from_start.count > 0 && !from_start.closed,
        shortest_best_case: (from_start.count > 0).then(|| days_down(from_start.min)),
        paths: listed,
        outcomes_reachable: reachable,
        outcomes_unreachable: unreachable,
        tracks: super::tracks::bounds(procedure),
    })
}

/// The longest worst case with each loop taken at most once, when it is
/// longer than the procedure's fixed `limit` (W0508).
pub fn over_limit(procedure: &Procedure) -> Option<OverLimit> {
    let limit = procedure.limit.as_ref()?;
    // A limit until a date the case gives has no length to compare.
    if crate::check::ir::is_until(limit.duration, limit.anchor) {
        return None;
    }
    let DurationSpec::Fixed { amount, unit } = limit.duration else {
        return None;
    };
    let limit_length = approximate_length(amount, unit);
    let mut edges = edges(procedure);
    let order = mark_loops(procedure.start, &mut edges);
    let steps = procedure.steps.len();
    let mut analysis = Analysis {
        procedure,
        edges,
        max_loops: 1,
        steps,
        best: vec![Best::default(); steps.checked_mul(2)?],
    };
    analysis.solve(&order);
    let start = procedure.start.index();
    let best = analysis.best.get(start)?;
    if best.count == 0 || best.max <= limit_length {
        return None;
    }
    let path = analysis.path(&analysis.longest(start)?);
    Some(OverLimit {
        limit_working_days: days_down(limit_length),
        working_days: path.max_working_days,
        path: describe(&path),
    })
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

/// "1 path", "3 paths"; a count that reached `u64::MAX` is a floor.
fn plural(n: u64, one: &str, many: &str) -> String {
    let or_more = if n == u64::MAX { " or more" } else { "" };
    format!("{n}{or_more} {}", if n == 1 { one } else { many })
}

/// The paths for people.
pub fn human(paths: &Paths) -> String {
    let mut out = format!(
        "{}: {} from start to an outcome (at most {} each){}\n\n",
        paths.procedure,
        plural(paths.total_paths, "path", "paths"),
        plural(u64::from(paths.max_loops), "loop", "loops"),
        if paths.truncated {
            format!(
                "; {} listed, {} not",
                paths.paths.len(),
                paths.paths_not_listed
            )
        } else {
            String::new()
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
    if paths.truncated {
        out.push_str(&format!(
            "  … and {} not listed (--limit {})\n",
            plural(paths.paths_not_listed, "more path", "more paths"),
            paths.limit
        ));
    }
    if let (Some(days), Some(longest)) = (paths.longest_worst_case, &paths.longest) {
        let open = !longest.open_ended.is_empty();
        let caveat = match (open, paths.all_open_ended) {
            (_, true) => ", counting only fixed time limits: every path is open-ended",
            (true, false) => ", or longer: it is open-ended",
            _ => "",
        };
        let which = match paths.longest_path {
            Some(i) => format!("path {}", i + 1),
            None => describe(longest),
        };
        out.push_str(&format!(
            "\nlongest worst case: {days} working days ({which}){caveat}"
        ));
        if paths.longest_path.is_none() && open {
            out.push_str(&format!(" ({})", longest.open_ended.join("; ")));
        } else if open || paths.all_open_ended {
            out.push_str(" (see above)");
        }
        out.push('\n');
    }
    if let Some(days) = paths.shortest_best_case {
        out.push_str(&format!("shortest best case: {days} working days\n"));
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
    out.push_str(&super::tracks::human(&paths.tracks));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::sample::back_chain;

    fn ladder(layers: usize) -> String {
        crate::analysis::sample::ladder(layers, "")
    }

    fn procedure(text: &str) -> Procedure {
        let (file, syntax) = crate::syntax::parse(text);
        assert!(syntax.is_empty(), "{syntax:?}");
        let checked = crate::check::check(&file.expect("a file"));
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        checked.procedure.expect("a procedure")
    }

    fn all(procedure: &Procedure, max_loops: u32) -> Paths {
        paths(
            procedure,
            Options {
                max_loops,
                limit: DEFAULT_LIMIT,
            },
        )
        .expect("within bounds")
    }

    #[test]
    fn a_ladder_has_one_path_per_choice_of_rungs_and_loop() {
        let p = procedure(&ladder(4));
        // No loop: only `s0 -[done]-> closed`. Each loop picks a or b in
        // each of the 4 layers: 2^4 ways. So 1, then 1 + 16, then 1 + 16 + 256.
        assert_eq!(all(&p, 0).total_paths, 1);
        assert_eq!(all(&p, 1).total_paths, 17);
        assert_eq!(all(&p, 2).total_paths, 273);
        // The worst case takes every `b` on each loop: s0 2 + 4 × 5 per loop,
        // then s0 2 to close: 2 + 22 = 24 with one loop, 2 + 22 + 22 = 46 with two.
        assert_eq!(all(&p, 1).longest_worst_case, Some(24));
        assert_eq!(all(&p, 2).longest_worst_case, Some(46));
        let longest = all(&p, 1).longest.expect("a longest path");
        assert_eq!(longest.steps, ["s0", "b1", "b2", "b3", "b4", "s0"]);
    }

    #[test]
    fn a_ladder_of_fourteen_layers_is_counted_without_walking_its_paths() {
        let p = procedure(&ladder(14));
        let found = all(&p, 1);
        // 1 + 2^14 paths; the old walk listed every one of them.
        assert_eq!(found.total_paths, 16_385);
        assert_eq!(found.paths.len(), DEFAULT_LIMIT);
        assert_eq!(found.paths_not_listed, 16_385 - DEFAULT_LIMIT as u64);
        assert!(found.truncated);
        // 2 + 14 × 5 + 2.
        assert_eq!(found.longest_worst_case, Some(74));
        assert_eq!(
            found.longest_path, None,
            "the all-b loop is not among the first 200"
        );
    }

    #[test]
    fn a_back_chain_of_a_hundred_steps_has_a_hundred_paths_with_one_loop() {
        let p = procedure(&back_chain(100));
        let found = all(&p, 1);
        // Straight through, or one step back from any of s2..s100.
        assert_eq!(found.total_paths, 100);
        // 100 steps of 1 working day, and a step back adds two more.
        assert_eq!(found.longest_worst_case, Some(102));
        assert_eq!(found.shortest_best_case, Some(0));
        // Each loop adds two steps: 100 + 2 × 100.
        assert_eq!(all(&p, 100).longest_worst_case, Some(300));
        assert_eq!(
            all(&p, 100).total_paths,
            u64::MAX,
            "the count saturates rather than overflowing"
        );
    }

    #[test]
    fn listing_stops_at_the_limit_and_keeps_the_longest() {
        let p = procedure(&ladder(3));
        let found = paths(
            &p,
            Options {
                max_loops: 1,
                limit: 4,
            },
        )
        .expect("within bounds");
        assert_eq!(found.paths.len(), 4);
        assert_eq!(found.total_paths, 9);
        assert_eq!(found.paths_not_listed, 5);
        // The first four in declaration order take `left` first.
        assert_eq!(found.paths[0].steps, ["s0", "a1", "a2", "a3", "s0"]);
        // 2 + 3 × 5 + 2.
        assert_eq!(found.longest_worst_case, Some(19));
        assert_eq!(found.longest_path, None);
        assert!(human(&found).contains("… and 5 more paths not listed (--limit 4)"));
    }

    #[test]
    fn loops_beyond_the_bounds_are_refused_not_capped() {
        let p = procedure(&ladder(1));
        let too_many = Options {
            max_loops: MAX_LOOPS + 1,
            limit: 1,
        };
        assert_eq!(
            paths(&p, too_many),
            Err(TooLarge::Loops {
                max_loops: MAX_LOOPS + 1
            })
        );
        assert_eq!(all(&p, MAX_LOOPS).max_loops, MAX_LOOPS);
    }

    const ANCHORED: &str = r#"procedure anchored "Anchored" {
  role m "M"
  start stage1
  step stage1 "Stage 1" {
    lead m
    task acknowledge within 5 working days
    deadline response 20 working days from acknowledge
    on responded -> considered
  }
  step considered "Considered" {
    lead m
    task decide
    escalate to stage2 on appealed within 2 weeks of decide
    otherwise -> closed
  }
  step stage2 "Stage 2" {
    lead m
    deadline reply 10 working days from entry
    on replied -> closed
  }
  outcome closed "Closed"
}
"#;

    #[test]
    fn a_deadline_counted_from_a_task_adds_the_tasks_own_time() {
        let p = procedure(ANCHORED);
        let found = all(&p, 0);
        let through_stage2 = found
            .paths
            .iter()
            .find(|p| p.steps.contains(&"stage2".to_string()))
            .expect("a path through stage 2");
        // Stage 1: acknowledged within 5, the response 20 after that: 25.
        // The window counts from `decide`, a task with no time limit, so it
        // is open-ended and adds only its 2 weeks (10). Stage 2: 10.
        assert_eq!(through_stage2.max_working_days, 25 + 10 + 10);
        assert_eq!(
            through_stage2.open_ended,
            ["the window in considered counts from `decide`, a task with no time limit"]
        );
    }

    #[test]
    fn an_anchor_before_entry_counts_from_entry() {
        // Cafcass Step 3's decision counts from the request that opened it.
        let p = procedure(
            r#"procedure p "P" {
  role m "M"
  start first
  step first "First" {
    lead m
    escalate to second on asked within 1 week of entry
    otherwise -> closed
  }
  step second "Second" {
    lead m
    deadline decision 20 working days from asked
    on decided -> closed
  }
  outcome closed "Closed"
}
"#,
        );
        let found = all(&p, 0);
        assert_eq!(found.longest_worst_case, Some(5 + 20));
        assert!(found.longest.is_some_and(|l| l.open_ended.is_empty()));
    }

    #[test]
    fn anchors_that_count_from_each_other_are_open_ended() {
        let p = procedure(
            r#"procedure p "P" {
  role m "M"
  start first
  step first "First" {
    lead m
    task one within 2 working days from two
    task two within 3 working days from one
    deadline reply 10 working days from one
    on done -> closed
  }
  outcome closed "Closed"
}
"#,
        );
        let found = all(&p, 0);
        assert_eq!(found.longest_worst_case, Some(2 + 3 + 10));
        assert!(found.all_open_ended);
        assert!(found.paths[0].open_ended[0].contains("counted from itself"));
    }

    #[test]
    fn an_anchor_that_can_come_at_any_time_is_open_ended() {
        // `reminded` keeps the case in the step and has no time limit.
        let p = procedure(
            r#"procedure p "P" {
  role m "M"
  start first
  step first "First" {
    lead m
    deadline reply 10 working days from reminded
    on reminded -> first
    on done -> closed
  }
  outcome closed "Closed"
}
"#,
        );
        let found = all(&p, 0);
        assert_eq!(found.longest_worst_case, Some(10));
        assert_eq!(
            found.paths[0].open_ended,
            ["first.reply counts from `reminded`, which can come at any time"]
        );
    }

    #[test]
    fn a_long_chain_of_anchors_is_followed_only_so_far() {
        // 40 tasks, each within a working day of the one before, and a
        // deadline of 1 from the last: 32 links are followed (32 days),
        // then the worst case is called open-ended.
        let mut text =
            String::from("procedure p \"P\" {\n  role m \"M\"\n  start first\n  step first \"First\" {\n    lead m\n    task t0 within 1 working day\n");
        for i in 1..40 {
            text.push_str(&format!(
                "    task t{i} within 1 working day from t{}\n",
                i - 1
            ));
        }
        text.push_str("    deadline reply 1 working day from t39\n    on done -> closed\n  }\n  outcome closed \"Closed\"\n}\n");
        let found = all(&procedure(&text), 0);
        assert_eq!(found.longest_worst_case, Some(MAX_ANCHOR_CHAIN as u32 + 1));
        assert!(found.paths[0].open_ended[0].contains("chain of more than 32 events"));
    }

    #[test]
    fn the_limit_lint_follows_anchors() {
        let limited = ANCHORED.replace(
            "  start stage1",
            "  limit 30 working days from received\n  start stage1",
        );
        let over = over_limit(&procedure(&limited)).expect("over the limit");
        assert_eq!(over.limit_working_days, 30);
        assert_eq!(over.working_days, 45);
        // Counting the response from entry (20 + 10 + 10 = 40) would pass
        // a limit of 42; from the acknowledgement (45) it does not.
        let limited = ANCHORED.replace(
            "  start stage1",
            "  limit 42 working days from received\n  start stage1",
        );
        assert!(over_limit(&procedure(&limited)).is_some());
    }
}
