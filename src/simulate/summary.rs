//! A simulation's tallies as figures: over every case, and, when the cases
//! were received under several versions of the procedure, over each
//! version's cases; as JSON (through serde) and for people (`human`).
//!
//! Figures over several versions are added by name (an outcome, a step,
//! a step's deadline), never by position: the third step of one version
//! need not be the third of another, and a step only one version has is
//! counted only from that version's cases.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{FactDraw, Simulation, Tally, DEFAULT_DURATION_WORKING_DAYS, HISTOGRAM, MAX_LOOPS};
use crate::check::ir::{Procedure, Type};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Share {
    pub name: String,
    pub cases: u64,
    pub share: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Durations {
    pub p50: u32,
    pub p90: u32,
    pub p99: u32,
    pub max: u32,
    pub mean: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct BreachRate {
    pub step: String,
    pub deadline: String,
    /// How many times the deadline ran (its step was entered).
    pub ran: u64,
    pub breached: u64,
    pub rate: f64,
    /// Times a soft deadline was met late by an event with a reason
    /// (`late_reasons` in the assumptions): not breaches, and not in
    /// `rate`.
    pub late_with_reason: u64,
}

/// What a set of cases came to: every case simulated, or one version's.
/// Shares are of the set's own cases.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Figures {
    pub outcomes: Vec<Share>,
    pub steps_reached: Vec<Share>,
    /// From `received` to the end, for the cases that ended.
    pub duration_working_days: Durations,
    pub breaches: Vec<BreachRate>,
    pub mean_loops: f64,
    /// Cases that had not ended when they reached the loop bound
    /// (`loop_bound` re-entries of steps) or took too many steps.
    pub unfinished: u64,
}

/// One version's part of a simulation over several.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VersionFigures {
    pub version: Option<String>,
    pub effective: Option<NaiveDate>,
    /// The cases received while this version was in force.
    pub cases: u64,
    /// The first and last of their received dates.
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    #[serde(flatten)]
    pub figures: Figures,
    pub stopped_cases: u64,
    /// As [`Summary::defaults`], for this version's facts.
    pub defaults: Vec<String>,
}

/// The result of a simulation.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub procedure: String,
    /// The version simulated and the day it took effect, when the
    /// procedure declares them and every case was received under it
    /// (with several, `versions` says which).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<NaiveDate>,
    pub cases: u64,
    pub seed: u64,
    pub start: NaiveDate,
    pub per_working_day: u32,
    /// Over every case; with several versions, added by name.
    #[serde(flatten)]
    pub figures: Figures,
    pub loop_bound: u32,
    /// Cases the engine stopped, by diagnostic code (there should be
    /// none): how many, and the first one's message.
    pub stopped: BTreeMap<String, Stopped>,
    /// All the cases the engine stopped; `simulate` exits 1 when any.
    pub stopped_cases: u64,
    /// Facts the assumptions give no distribution, and the value every
    /// simulated case was given instead ("name = value"); with several
    /// versions, every version's, each once.
    pub defaults: Vec<String>,
    /// When the cases were received under more than one version: each of
    /// those versions, in the order they took effect, with its own
    /// figures. Empty (and left out of JSON) when every case had one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<VersionFigures>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stopped {
    pub cases: u64,
    pub example: String,
}

fn share(name: String, cases: u64, total: u64) -> Share {
    Share {
        name,
        cases,
        share: if total == 0 {
            0.0
        } else {
            cases as f64 / total as f64
        },
    }
}

fn percentile(histogram: &[u64], total: u64, p: f64) -> u32 {
    if total == 0 {
        return 0;
    }
    let wanted = ((total as f64) * p).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (days, n) in histogram.iter().enumerate() {
        seen += n;
        if seen >= wanted {
            return days as u32;
        }
    }
    histogram.len() as u32
}

/// Counts kept under names, in the order the names are first met.
struct ByName<K> {
    keys: Vec<K>,
    counts: Vec<[u64; 3]>,
}

impl<K: PartialEq + Clone> ByName<K> {
    fn new() -> Self {
        ByName {
            keys: Vec::new(),
            counts: Vec::new(),
        }
    }

    fn add(&mut self, key: &K, counts: [u64; 3]) {
        let i = match self.keys.iter().position(|k| k == key) {
            Some(i) => i,
            None => {
                self.keys.push(key.clone());
                self.counts.push([0; 3]);
                self.keys.len() - 1
            }
        };
        for (mine, n) in self.counts[i].iter_mut().zip(counts) {
            *mine += n;
        }
    }

    fn into_iter(self) -> impl Iterator<Item = (K, [u64; 3])> {
        self.keys.into_iter().zip(self.counts)
    }
}

/// The figures of the cases tallied in `parts` (one version's, or every
/// version's), `cases` in all.
fn figures(parts: &[(&Simulation<'_>, &Tally)], cases: u64) -> Figures {
    let mut outcomes = ByName::new();
    let mut reached = ByName::new();
    let mut breaches = ByName::new();
    let mut histogram = vec![0u64; HISTOGRAM + 1];
    let (mut max, mut total_days, mut ended, mut loops, mut unfinished) = (0, 0, 0, 0, 0);
    let (mut turned_away, mut stopped) = (0, 0);
    for (sim, tally) in parts {
        let p = sim.procedure;
        for (o, n) in p.outcomes.iter().zip(&tally.outcomes) {
            outcomes.add(&o.name, [*n, 0, 0]);
        }
        for (s, n) in p.steps.iter().zip(&tally.reached) {
            reached.add(&s.name, [*n, 0, 0]);
        }
        for (i, key) in sim.deadlines.iter().enumerate() {
            breaches.add(
                key,
                [tally.ran[i], tally.breached[i], tally.late_with_reason[i]],
            );
        }
        histogram
            .iter_mut()
            .zip(&tally.histogram)
            .for_each(|(x, y)| *x += y);
        max = max.max(tally.max_days);
        total_days += tally.total_days;
        ended += tally.ended;
        loops += tally.loops;
        unfinished += tally.unfinished;
        turned_away += tally.outcomes[p.outcomes.len()];
        stopped += tally.stopped.values().map(|s| s.cases).sum::<u64>();
    }
    let mut outcomes: Vec<Share> = outcomes
        .into_iter()
        .map(|(name, [n, ..])| share(name, n, cases))
        .collect();
    // Every case is counted once, so the shares add up to all of them.
    let extra = [
        ("(turned away, awaiting resubmission)", turned_away),
        ("(unfinished at the loop bound)", unfinished),
        ("(stopped by the engine)", stopped),
    ];
    for (name, n) in extra {
        if n > 0 {
            outcomes.push(share(name.to_string(), n, cases));
        }
    }
    Figures {
        outcomes,
        steps_reached: reached
            .into_iter()
            .map(|(name, [n, ..])| share(name, n, cases))
            .collect(),
        duration_working_days: Durations {
            p50: percentile(&histogram, ended, 0.50),
            p90: percentile(&histogram, ended, 0.90),
            p99: percentile(&histogram, ended, 0.99),
            max,
            mean: if ended == 0 {
                0.0
            } else {
                total_days as f64 / ended as f64
            },
        },
        breaches: breaches
            .into_iter()
            .map(|((step, deadline), [ran, breached, late])| BreachRate {
                step,
                deadline,
                ran,
                breached,
                late_with_reason: late,
                rate: if ran == 0 {
                    0.0
                } else {
                    breached as f64 / ran as f64
                },
            })
            .collect(),
        mean_loops: if cases == 0 {
            0.0
        } else {
            loops as f64 / cases as f64
        },
        unfinished,
    }
}

/// Where a run started and what it was given, for the summary's header.
pub(super) struct Header {
    pub cases: u64,
    pub seed: u64,
    pub start: NaiveDate,
    pub per_working_day: u32,
}

/// The summary of a run: `sims` and `tallies` side by side, one a version
/// in the order they took effect.
pub(super) fn summarise(sims: &[Simulation<'_>], tallies: &[Tally], header: Header) -> Summary {
    let parts: Vec<(&Simulation<'_>, &Tally)> = sims
        .iter()
        .zip(tallies)
        .filter(|(_, t)| t.cases > 0)
        .collect();
    let mut stopped: BTreeMap<String, Stopped> = BTreeMap::new();
    for (_, tally) in &parts {
        for (code, s) in &tally.stopped {
            match stopped.get_mut(code) {
                Some(mine) => mine.cases += s.cases,
                None => {
                    stopped.insert(code.clone(), s.clone());
                }
            }
        }
    }
    let stopped_cases = stopped.values().map(|s| s.cases).sum();
    let mut all_defaults: Vec<String> = Vec::new();
    for (sim, _) in &parts {
        for d in defaults(sim.procedure, &sim.fact_draws) {
            if !all_defaults.contains(&d) {
                all_defaults.push(d);
            }
        }
    }
    let versions = if parts.len() > 1 {
        parts
            .iter()
            .map(|(sim, tally)| VersionFigures {
                version: sim.procedure.version.clone(),
                effective: sim.procedure.effective,
                cases: tally.cases,
                received_from: tally.received.map(|r| r.0),
                received_to: tally.received.map(|r| r.1),
                figures: figures(&[(sim, tally)], tally.cases),
                stopped_cases: tally.stopped.values().map(|s| s.cases).sum(),
                defaults: defaults(sim.procedure, &sim.fact_draws),
            })
            .collect()
    } else {
        Vec::new()
    };
    // The one version every case was received under, if there is one; the
    // procedure's id is every version's.
    let only = match parts.as_slice() {
        [(sim, _)] => Some(sim.procedure),
        _ => None,
    };
    Summary {
        procedure: sims
            .first()
            .map(|s| s.procedure.id.clone())
            .unwrap_or_default(),
        version: only.and_then(|p| p.version.clone()),
        effective: only.and_then(|p| p.effective),
        cases: header.cases,
        seed: header.seed,
        start: header.start,
        per_working_day: header.per_working_day,
        figures: figures(&parts, header.cases),
        loop_bound: MAX_LOOPS,
        stopped,
        stopped_cases,
        defaults: all_defaults,
        versions,
    }
}

/// The facts simulated at their default value, as the report's header
/// says them.
fn defaults(p: &Procedure, draws: &[Option<FactDraw>]) -> Vec<String> {
    p.facts
        .iter()
        .zip(draws)
        .filter(|(_, draw)| draw.is_none())
        .filter_map(|(fact, _)| {
            let value = match &fact.ty {
                Type::Bool => "false".to_string(),
                Type::Enum(values) => values.first()?.clone(),
                Type::Duration => format!("{DEFAULT_DURATION_WORKING_DAYS} working days"),
                Type::Date => "the day the case is received".to_string(),
                _ => return None,
            };
            Some(format!("{} = {value}", fact.name))
        })
        .collect()
}

fn shares(out: &mut String, list: &[Share]) {
    for o in list {
        out.push_str(&format!(
            "  {:<36} {:>6.2}%  {:>9}\n",
            o.name,
            o.share * 100.0,
            o.cases
        ));
    }
}

/// A version as the report names it: "1.1 (in force from 2026-04-01)".
fn version_name(version: Option<&str>, effective: Option<NaiveDate>) -> String {
    let from = effective
        .map(|d| format!(" (in force from {d})"))
        .unwrap_or_default();
    format!("{}{from}", version.unwrap_or("without a version number"))
}

fn received(v: &VersionFigures) -> String {
    match (v.received_from, v.received_to) {
        (Some(from), Some(to)) if from == to => format!(", received on {from}"),
        (Some(from), Some(to)) => format!(", received {from} to {to}"),
        _ => String::new(),
    }
}

/// The outcome, step, duration and breach sections for one set of cases.
fn figures_text(out: &mut String, f: &Figures, loop_bound: u32) {
    out.push_str("\nOutcomes\n");
    shares(out, &f.outcomes);
    out.push_str("\nSteps reached\n");
    shares(out, &f.steps_reached);
    let d = &f.duration_working_days;
    out.push_str(&format!(
        "\nWorking days from received to the end\n  p50 {}   p90 {}   p99 {}   max {}   mean {:.1}\n",
        d.p50, d.p90, d.p99, d.max, d.mean
    ));
    out.push_str("\nBreach rate per deadline\n");
    for b in &f.breaches {
        out.push_str(&format!(
            "  {:<36} {:>6.2}%  ({} of {} times it ran{})\n",
            format!("{}.{}", b.step, b.deadline),
            b.rate * 100.0,
            b.breached,
            b.ran,
            if b.late_with_reason > 0 {
                format!("; {} more late, with reason", b.late_with_reason)
            } else {
                String::new()
            }
        ));
    }
    out.push_str(&format!("\nLoops: {:.3} a case on average\n", f.mean_loops));
    if f.unfinished > 0 {
        out.push_str(&format!(
            "Unfinished: {} cases reached the bound of {} loops a case\n",
            f.unfinished, loop_bound
        ));
    }
}

/// The summary for people.
pub fn human(s: &Summary) -> String {
    let mut out = String::new();
    // A stopped case means the simulation is not to be trusted: said first.
    if s.stopped_cases > 0 {
        out.push_str(&format!(
            "ERROR: the engine stopped {} of {} simulated cases; the figures below leave them out\n",
            s.stopped_cases, s.cases
        ));
        for (code, stopped) in &s.stopped {
            out.push_str(&format!(
                "  {code} ({} cases), for example: {}\n",
                stopped.cases, stopped.example
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "Simulated {} cases of {} (seed {}; arrivals from {}, {} a working day)\n",
        s.cases, s.procedure, s.seed, s.start, s.per_working_day
    ));
    let several = s.versions.len() > 1;
    if several {
        out.push_str("Versions, each simulating the cases received while it was in force:\n");
        for v in &s.versions {
            out.push_str(&format!(
                "  {}: {} cases{}\n",
                version_name(v.version.as_deref(), v.effective),
                v.cases,
                received(v)
            ));
        }
    } else if let Some(version) = &s.version {
        let from = s
            .effective
            .map(|d| format!(", in force from {d}"))
            .unwrap_or_default();
        out.push_str(&format!("Version {version}{from}\n"));
    }
    if !s.defaults.is_empty() {
        out.push_str(&format!(
            "Facts without an assumption, given to every case: {}\n",
            s.defaults.join(", ")
        ));
    }
    if several {
        out.push_str(&format!(
            "\n== All {} cases, every version (outcomes, steps and deadlines added up by name) ==\n",
            s.cases
        ));
    }
    figures_text(&mut out, &s.figures, s.loop_bound);
    if several {
        for v in &s.versions {
            out.push_str(&format!(
                "\n== Version {} alone: {} cases{} ==\n",
                version_name(v.version.as_deref(), v.effective),
                v.cases,
                received(v)
            ));
            figures_text(&mut out, &v.figures, s.loop_bound);
        }
    }
    out
}
