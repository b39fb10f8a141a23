//! Assumptions for a simulation, read from YAML against a procedure:
//! facts' distributions, the probabilities of each way out of a step, the
//! distribution of event data, how long events take, and arrivals.
//! docs/simulate.md documents the format.

use std::collections::BTreeMap;

use miette::Diagnostic;
use serde::Deserialize;
use thiserror::Error;

use crate::check::ir::{Builtin, EventId, Procedure, StepId, Target, Type};
use crate::suggest::help_for;
use crate::yaml::Located;
use crate::yaml::{key, locate, Mapping, PathPart, Value as Yaml};

/// What is wrong with an assumptions file.
#[derive(Debug, Error, Diagnostic, Clone, PartialEq, Eq)]
pub enum AssumptionErrorKind {
    /// YAML that does not parse, or a key the format does not have.
    #[error("{message}")]
    #[diagnostic(code(E0901), help("an assumptions file has `facts`, `choices`, `data`, `durations`, `extensions`, `arrivals` and `late_reasons` (docs/simulate.md)"))]
    Yaml { message: String },

    /// A fact, step, event, field or value the procedure does not have.
    #[error("{message}")]
    #[diagnostic(code(E0902), help("{help}"))]
    Unknown { message: String, help: String },

    /// Probabilities at one decision that do not add up to 1.
    #[error("the probabilities for {what} add up to {sum}, not 1")]
    #[diagnostic(
        code(E0903),
        help("give every way out a probability, and make them add up to 1")
    )]
    NotOne { what: String, sum: String },

    /// A distribution that is not one, or a negative time.
    #[error("{message}")]
    #[diagnostic(
        code(E0904),
        help("a time is `{{fixed: N}}`, `{{uniform: [LOW, HIGH]}}` or `{{triangular: [LOW, MODE, HIGH]}}`, in working days, none negative; a probability is a number from 0 to 1")
    )]
    BadDistribution { message: String },

    /// Assumptions under which some cases never end. `version` is empty,
    /// or names the versions of several simulated in which it is so
    /// (" in version 1.1 of `complaints`").
    #[error("under these assumptions a case in step `{step}`{version} never ends: every way out of it leads back")]
    #[diagnostic(
        code(E0905),
        help("give some way towards an outcome a probability above 0")
    )]
    NeverEnds { step: String, version: String },
}

impl AssumptionErrorKind {
    /// This problem, said of the versions that have it (`these`, "version
    /// 1.0 of `complaints`") when others simulated with the same file
    /// (`others`, "version 1.1") do not: a name only some versions have.
    fn in_versions(self, these: &str, others: &str) -> AssumptionErrorKind {
        use AssumptionErrorKind::*;
        match self {
            Unknown { message, help } => {
                let apart = "the assumptions are read against every version the simulated cases are received under: name only what each has, or simulate each version apart (--start on its effective date, few enough --cases to end before the next)";
                match message.strip_prefix("procedure has no ") {
                    // Not a slip of the pen, so no "did you mean".
                    Some(rest) => Unknown {
                        message: format!("{these} has no {rest}"),
                        help: format!("{others} has it; {apart}"),
                    },
                    None => Unknown {
                        message: format!("{message}, in {these}"),
                        help: format!("{help}; it is not so in {others}, and {apart}"),
                    },
                }
            }
            BadDistribution { message } => BadDistribution {
                message: format!("{message}, in {these}"),
            },
            NotOne { what, sum } => NotOne {
                what: format!("{what} in {these}"),
                sum,
            },
            NeverEnds { step, .. } => NeverEnds {
                step,
                version: format!(" of {these}"),
            },
            Yaml { message } => Yaml { message },
        }
    }
}

/// A time in working days.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distribution {
    Fixed(f64),
    Uniform(f64, f64),
    Triangular(f64, f64, f64),
}

impl Distribution {
    /// A sample, rounded to whole working days.
    pub fn sample(&self, rng: &mut super::rng::Rng) -> u32 {
        let x = match *self {
            Distribution::Fixed(v) => v,
            Distribution::Uniform(a, b) => a + (b - a) * rng.unit(),
            Distribution::Triangular(a, m, b) => {
                let u = rng.unit();
                let cut = if b > a { (m - a) / (b - a) } else { 0.0 };
                if u < cut {
                    a + ((b - a) * (m - a) * u).sqrt()
                } else {
                    b - ((b - a) * (b - m) * (1.0 - u)).sqrt()
                }
            }
        };
        x.round().max(0.0) as u32
    }
}

/// How a fact's value is drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum FactDraw {
    /// Probability of `true`.
    Bool(f64),
    /// Weight of each value, by position.
    Choice(Vec<f64>),
    /// A duration in working days.
    Duration(Distribution),
}

/// Everything a simulation assumes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assumptions {
    /// By fact; missing ones are drawn uniformly.
    pub facts: BTreeMap<usize, FactDraw>,
    /// By step: the weight of each way out (by event, or `None` for
    /// `otherwise`); missing steps choose uniformly.
    pub choices: BTreeMap<usize, Vec<(Option<EventId>, f64)>>,
    /// By event and field: the weight of each value.
    pub data: BTreeMap<(usize, usize), Vec<f64>>,
    /// By event: how long after the step began (or the window opened) it
    /// happens.
    pub durations: BTreeMap<usize, Distribution>,
    /// Cases arriving each working day; `None` spreads them over a year.
    pub per_working_day: Option<u32>,
    /// By (step, deadline) position: how often an extension is agreed,
    /// and by how many working days.
    pub extensions: BTreeMap<(usize, usize), Extension>,
    /// How often an event records a `reason:`, so that one meeting a soft
    /// deadline (`or as soon as practicable`) late is "late, with reason"
    /// rather than a breach; `None` gives no event a reason.
    pub late_reasons: Option<f64>,
}

/// How a deadline comes to be extended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extension {
    pub probability: f64,
    pub by: Distribution,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    procedure: Option<String>,
    #[serde(default)]
    facts: Mapping,
    #[serde(default)]
    choices: Mapping,
    #[serde(default)]
    data: Mapping,
    #[serde(default)]
    durations: Mapping,
    #[serde(default)]
    arrivals: Option<RawArrivals>,
    #[serde(default)]
    extensions: Mapping,
    #[serde(default)]
    late_reasons: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArrivals {
    per_working_day: u32,
}

/// The ways out of a step that a choice can name: its transition events
/// (a transition back into the step included), its requests, and
/// `otherwise`.
pub fn exits(procedure: &Procedure, step: StepId) -> Vec<Option<EventId>> {
    let Some(s) = procedure.steps.get(step.index()) else {
        return Vec::new();
    };
    let mut out: Vec<Option<EventId>> = Vec::new();
    for t in &s.transitions {
        if !out.contains(&Some(t.event)) {
            out.push(Some(t.event));
        }
    }
    for e in &s.escalations {
        if !out.contains(&Some(e.event)) {
            out.push(Some(e.event));
        }
    }
    // `anywhere on E` is a way out of every step without its own rule.
    for a in &procedure.anywhere {
        if !out.contains(&Some(a.event)) {
            out.push(Some(a.event));
        }
    }
    if s.otherwise.is_some() {
        out.push(None);
    }
    out
}

struct Reader<'a> {
    text: &'a str,
    errors: Vec<Located<AssumptionErrorKind>>,
}

/// The longest time a distribution may give: the calendars' 230 years in
/// working days, so that a sample always lands on a date they cover.
const MAX_WORKING_DAYS: f64 = 60_000.0;

fn number(v: &Yaml) -> Option<f64> {
    v.as_f64().or_else(|| v.as_i64().map(|n| n as f64))
}

impl Reader<'_> {
    fn error(&mut self, path: &[PathPart], kind: AssumptionErrorKind) {
        let offset = locate(self.text, path).unwrap_or(0);
        self.errors.push(crate::yaml::at(self.text, offset, kind));
    }

    fn unknown(&mut self, path: &[PathPart], what: &str, name: &str, known: Vec<&str>) {
        self.error(
            path,
            AssumptionErrorKind::Unknown {
                message: format!("procedure has no {what} `{name}`"),
                help: help_for(name, what, known.iter().copied()),
            },
        );
    }

    fn distribution(&mut self, path: &[PathPart], v: &Yaml) -> Option<Distribution> {
        let bad = |message: &str| AssumptionErrorKind::BadDistribution {
            message: message.to_string(),
        };
        let map = match v.as_mapping() {
            Some(m) if m.len() == 1 => m,
            _ => {
                self.error(path, bad("not a distribution"));
                return None;
            }
        };
        let (k, v) = map.iter().next()?;
        let numbers: Option<Vec<f64>> = match v {
            Yaml::Sequence(items) => items.iter().map(number).collect(),
            other => number(other).map(|n| vec![n]),
        };
        let Some(numbers) = numbers else {
            self.error(
                path,
                bad("a distribution's parameters are numbers of working days"),
            );
            return None;
        };
        if numbers.iter().any(|n| !n.is_finite()) {
            self.error(
                path,
                bad("a time is a number of working days, and `.nan` or `.inf` is not one"),
            );
            return None;
        }
        if numbers.iter().any(|n| *n < 0.0) {
            self.error(path, bad("a time cannot be negative"));
            return None;
        }
        if numbers.iter().any(|n| *n > MAX_WORKING_DAYS) {
            self.error(
                path,
                bad(&format!(
                    "a time of more than {MAX_WORKING_DAYS} working days (about 230 years) is beyond the calendars"
                )),
            );
            return None;
        }
        let d = match (k.as_str(), numbers.as_slice()) {
            (Some("fixed"), [n]) => Distribution::Fixed(*n),
            (Some("uniform"), [a, b]) if a <= b => Distribution::Uniform(*a, *b),
            (Some("triangular"), [a, m, b]) if a <= m && m <= b => {
                Distribution::Triangular(*a, *m, *b)
            }
            (Some("fixed" | "uniform" | "triangular"), _) => {
                self.error(
                    path,
                    bad("the parameters are in the wrong number or order (LOW ≤ MODE ≤ HIGH)"),
                );
                return None;
            }
            _ => {
                self.error(
                    path,
                    bad("not a distribution: use fixed, uniform or triangular"),
                );
                return None;
            }
        };
        Some(d)
    }

    /// Weights for a choice of named values, in `names` order.
    fn weights(
        &mut self,
        path: &[PathPart],
        what: &str,
        names: &[String],
        v: &Yaml,
    ) -> Option<Vec<f64>> {
        let Some(map) = v.as_mapping() else {
            self.error(
                path,
                AssumptionErrorKind::BadDistribution {
                    message: format!(
                        "the weights for {what} are a mapping of values to probabilities"
                    ),
                },
            );
            return None;
        };
        let mut weights = vec![0.0; names.len()];
        let mut ok = true;
        for (k, w) in map {
            let value = k
                .as_str()
                .map(str::to_string)
                .or_else(|| k.as_bool().map(|b| b.to_string()))
                .unwrap_or_default();
            let mut at = path.to_vec();
            at.push(key(&value));
            let Some(i) = names.iter().position(|n| *n == value) else {
                let help =
                    match crate::suggest::did_you_mean(&value, names.iter().map(String::as_str)) {
                        Some(s) => {
                            format!("did you mean `{s}`? The values are: {}", names.join(", "))
                        }
                        None => format!("the values are: {}", names.join(", ")),
                    };
                self.error(
                    &at,
                    AssumptionErrorKind::Unknown {
                        message: format!("`{value}` is not a value of {what}"),
                        help,
                    },
                );
                ok = false;
                continue;
            };
            match number(w).filter(|p| (0.0..=1.0).contains(p)) {
                Some(p) => weights[i] = p,
                None => {
                    self.error(
                        &at,
                        AssumptionErrorKind::BadDistribution {
                            message: "a probability is a number from 0 to 1".into(),
                        },
                    );
                    ok = false;
                }
            }
        }
        let sum: f64 = weights.iter().sum();
        if ok && (sum - 1.0).abs() > 1e-6 {
            self.error(
                path,
                AssumptionErrorKind::NotOne {
                    what: what.to_string(),
                    sum: format!("{sum}"),
                },
            );
            ok = false;
        }
        ok.then_some(weights)
    }
}

/// Reads an assumptions file against `procedure`, reporting every problem.
/// `name` is how the file is named in messages (its diagnostics are
/// placed in the file by the caller's source map).
pub fn load(
    _name: &str,
    text: &str,
    procedure: &Procedure,
) -> Result<Assumptions, Vec<Located<AssumptionErrorKind>>> {
    let raw: Raw = match crate::yaml::parse(text) {
        Ok(raw) => raw,
        Err(problem) => {
            return Err(vec![crate::yaml::at(
                text,
                problem.offset,
                AssumptionErrorKind::Yaml {
                    message: problem.message,
                },
            )]);
        }
    };
    let mut r = Reader {
        text,
        errors: Vec::new(),
    };
    let mut out = Assumptions::default();
    if let Some(id) = &raw.procedure {
        if id != &procedure.id {
            r.error(
                &[key("procedure")],
                AssumptionErrorKind::Unknown {
                    message: format!(
                        "these assumptions are for procedure `{id}`, not `{}`",
                        procedure.id
                    ),
                    help: format!(
                        "simulate the `{id}` procedure with them, or correct `procedure:`"
                    ),
                },
            );
        }
    }
    if let Some(a) = raw.arrivals {
        if a.per_working_day == 0 {
            r.error(
                &[key("arrivals"), key("per_working_day")],
                AssumptionErrorKind::BadDistribution {
                    message: "at least one case must arrive each working day".into(),
                },
            );
        }
        out.per_working_day = Some(a.per_working_day);
    }
    if let Some(p) = raw.late_reasons {
        if !(0.0..=1.0).contains(&p) {
            r.error(
                &[key("late_reasons")],
                AssumptionErrorKind::BadDistribution {
                    message: format!(
                        "`late_reasons` is {p}: a probability is a number from 0 to 1"
                    ),
                },
            );
        }
        out.late_reasons = Some(p);
    }

    for (k, v) in &raw.facts {
        let name = k.as_str().unwrap_or_default().to_string();
        let path = vec![key("facts"), key(&name)];
        let Some(i) = procedure.facts.iter().position(|f| f.name == name) else {
            r.unknown(
                &path,
                "fact",
                &name,
                procedure.facts.iter().map(|f| f.name.as_str()).collect(),
            );
            continue;
        };
        // A setting is the organisation's, the same in every case: it is
        // given by `--settings`, never drawn.
        if procedure
            .setting(crate::check::ir::FactId(i as u32))
            .is_some()
        {
            r.error(
                &path,
                AssumptionErrorKind::Unknown {
                    message: format!("`{name}` is a setting, the same in every case, not a fact to draw"),
                    help: "give the organisation's value with `--settings FILE` (docs/language.md#settings)".into(),
                },
            );
            continue;
        }
        let draw = match &procedure.facts[i].ty {
            Type::Bool => match number(v).filter(|p| (0.0..=1.0).contains(p)) {
                Some(p) => Some(FactDraw::Bool(p)),
                None => r
                    .weights(
                        &path,
                        &format!("fact `{name}`"),
                        &["true".into(), "false".into()],
                        v,
                    )
                    .map(|w| FactDraw::Bool(w[0])),
            },
            Type::Enum(values) => r
                .weights(&path, &format!("fact `{name}`"), values, v)
                .map(FactDraw::Choice),
            Type::Duration => r.distribution(&path, v).map(FactDraw::Duration),
            other => {
                r.error(&path, AssumptionErrorKind::BadDistribution { message: format!("a {} fact cannot be drawn; simulation draws conditions, choices and durations", other.describe()) });
                None
            }
        };
        if let Some(d) = draw {
            out.facts.insert(i, d);
        }
    }

    for (k, v) in &raw.choices {
        let name = k.as_str().unwrap_or_default().to_string();
        let path = vec![key("choices"), key(&name)];
        let Some(step) = procedure.step_named(&name) else {
            r.unknown(
                &path,
                "step",
                &name,
                procedure.steps.iter().map(|s| s.name.as_str()).collect(),
            );
            continue;
        };
        // Any step may also be left by the complainant withdrawing; it is
        // a way out only when the assumptions give it a probability.
        let mut ways = exits(procedure, step);
        ways.push(Some(Builtin::Withdrawn.id()));
        let names: Vec<String> = ways
            .iter()
            .map(|w| {
                w.map_or("otherwise".to_string(), |e| {
                    procedure.events[e.index()].name.clone()
                })
            })
            .collect();
        if let Some(weights) =
            r.weights(&path, &format!("the ways out of step `{name}`"), &names, v)
        {
            out.choices
                .insert(step.index(), ways.into_iter().zip(weights).collect());
        }
    }

    for (k, fields) in &raw.data {
        let name = k.as_str().unwrap_or_default().to_string();
        let Some(e) = procedure.event_named(&name) else {
            r.unknown(
                &[key("data"), key(&name)],
                "event",
                &name,
                procedure.events.iter().map(|e| e.name.as_str()).collect(),
            );
            continue;
        };
        let params = procedure.events[e.index()].params.clone();
        for (f, v) in fields.as_mapping().into_iter().flatten() {
            let field = f.as_str().unwrap_or_default().to_string();
            let path = vec![key("data"), key(&name), key(&field)];
            let Some(p) = params.iter().position(|p| p.name == field) else {
                r.unknown(
                    &path,
                    &format!("field of `{name}`, a"),
                    &field,
                    params.iter().map(|p| p.name.as_str()).collect(),
                );
                continue;
            };
            let Type::Enum(values) = &params[p].ty else {
                continue;
            };
            if let Some(w) = r.weights(&path, &format!("`{name}.{field}`"), values, v) {
                out.data.insert((e.index(), p), w);
            }
        }
    }

    for (k, v) in &raw.extensions {
        let name = k.as_str().unwrap_or_default().to_string();
        let path = vec![key("extensions"), key(&name)];
        // `deadline`, or `step.deadline` where two steps share the name.
        let (step_name, deadline_name) = match name.split_once('.') {
            Some((s, d)) => (Some(s), d),
            None => (None, name.as_str()),
        };
        let found: Vec<(usize, usize)> = procedure
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| step_name.is_none_or(|n| n == s.name))
            .flat_map(|(i, s)| {
                s.deadlines
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.name == deadline_name)
                    .map(move |(j, _)| (i, j))
            })
            .collect();
        let (step_index, deadline_index) = match found.as_slice() {
            [one] => *one,
            [] => {
                let known: Vec<String> = procedure
                    .steps
                    .iter()
                    .flat_map(|s| s.deadlines.iter().map(|d| d.name.clone()))
                    .collect();
                r.unknown(
                    &path,
                    "deadline",
                    &name,
                    known.iter().map(String::as_str).collect(),
                );
                continue;
            }
            _ => {
                r.error(
                    &path,
                    AssumptionErrorKind::Unknown {
                        message: format!("more than one step has a deadline `{name}`"),
                        help: format!(
                            "name it with its step: {}",
                            found
                                .iter()
                                .map(|(s, _)| format!("`{}.{name}`", procedure.steps[*s].name))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        ),
                    },
                );
                continue;
            }
        };
        if procedure.steps[step_index].deadlines[deadline_index].extension
            == crate::check::ir::Extension::None
        {
            r.error(&path, AssumptionErrorKind::Unknown {
                message: format!("deadline `{name}` is not extendable"),
                help: "only a deadline declared `extendable by agreement` or `extendable to …` can be extended".into(),
            });
            continue;
        }
        let Some(map) = v.as_mapping() else {
            r.error(
                &path,
                AssumptionErrorKind::BadDistribution {
                    message: "an extension is `{probability: P, by: DISTRIBUTION}`".into(),
                },
            );
            continue;
        };
        let probability = map
            .get(Yaml::from("probability"))
            .and_then(number)
            .filter(|p| (0.0..=1.0).contains(p));
        let mut by_path = path.clone();
        by_path.push(key("by"));
        let by = match map.get(Yaml::from("by")) {
            Some(d) => r.distribution(&by_path, d),
            None => None,
        };
        match (probability, by) {
            (Some(probability), Some(by)) => {
                out.extensions
                    .insert((step_index, deadline_index), Extension { probability, by });
            }
            (None, _) => r.error(
                &path,
                AssumptionErrorKind::BadDistribution {
                    message: "an extension needs `probability`, a number from 0 to 1".into(),
                },
            ),
            (_, None) if map.get(Yaml::from("by")).is_none() => r.error(
                &path,
                AssumptionErrorKind::BadDistribution {
                    message: "an extension needs `by`, how many working days longer".into(),
                },
            ),
            _ => {}
        }
    }

    for (k, v) in &raw.durations {
        let name = k.as_str().unwrap_or_default().to_string();
        let path = vec![key("durations"), key(&name)];
        let Some(e) = procedure.event_named(&name) else {
            r.unknown(
                &path,
                "event",
                &name,
                procedure.events.iter().map(|e| e.name.as_str()).collect(),
            );
            continue;
        };
        if let Some(d) = r.distribution(&path, v) {
            out.durations.insert(e.index(), d);
        }
    }

    if r.errors.is_empty() {
        if let Some(step) = never_ending(procedure, &out) {
            r.error(
                &[key("choices")],
                AssumptionErrorKind::NeverEnds {
                    step,
                    version: String::new(),
                },
            );
        }
    }
    if r.errors.is_empty() {
        Ok(out)
    } else {
        Err(r.errors)
    }
}

/// How many cases arrive each working day, if the file says (`arrivals`),
/// read before the versions to read the file against are known: the
/// arrivals decide which versions the cases are received under. A file
/// that does not parse says nothing here; [`load`] reports it.
pub fn per_working_day(text: &str) -> Option<u32> {
    crate::yaml::parse::<Raw>(text)
        .ok()?
        .arrivals
        .map(|a| a.per_working_day)
}

/// Reads an assumptions file against each of several versions of one
/// procedure (`versions`, each with how messages name it: "version 1.0 of
/// `complaints`"), for simulating cases under each. A problem every
/// version has is reported once, as [`load`] words it; one only some have
/// (a step, event or fact that only some versions declare) names them,
/// and the help says which versions have what it names.
pub fn load_each(
    name: &str,
    text: &str,
    versions: &[(&Procedure, String)],
) -> Result<Vec<Assumptions>, Vec<Located<AssumptionErrorKind>>> {
    let results: Vec<_> = versions
        .iter()
        .map(|(procedure, _)| load(name, text, procedure))
        .collect();
    if results.iter().all(Result::is_ok) {
        return Ok(results.into_iter().flatten().collect());
    }
    // Each distinct problem, with the versions that have it.
    let mut problems: Vec<(Located<AssumptionErrorKind>, Vec<usize>)> = Vec::new();
    for (v, result) in results.iter().enumerate() {
        for e in result.as_ref().err().into_iter().flatten() {
            match problems.iter_mut().find(|(p, _)| p == e) {
                Some((_, having)) => having.push(v),
                None => problems.push((e.clone(), vec![v])),
            }
        }
    }
    let list = |which: &mut dyn Iterator<Item = usize>| {
        let names: Vec<&str> = which.map(|v| versions[v].1.as_str()).collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let mut errors: Vec<Located<AssumptionErrorKind>> = problems
        .into_iter()
        .map(|(e, having)| {
            if having.len() == versions.len() {
                return e;
            }
            let these = list(&mut having.iter().copied());
            let others = list(&mut (0..versions.len()).filter(|v| !having.contains(v)));
            Located {
                error: e.error.in_versions(&these, &others),
                span: e.span,
            }
        })
        .collect();
    errors.sort_by_key(|e| e.span.offset());
    Err(errors)
}

/// A step, reachable from `start` with positive probability, from which no
/// outcome can be reached with positive probability.
fn never_ending(procedure: &Procedure, assumptions: &Assumptions) -> Option<String> {
    let n = procedure.steps.len();
    // Where each step can go with positive probability.
    let mut next: Vec<Vec<Target>> = vec![Vec::new(); n];
    let withdrawn = Some(Builtin::Withdrawn.id());
    let mut can_withdraw = vec![false; n];
    for (i, step) in procedure.steps.iter().enumerate() {
        let id = StepId(i as u32);
        let ways = match assumptions.choices.get(&i) {
            Some(weights) => weights
                .iter()
                .filter(|(_, w)| *w > 0.0)
                .map(|(e, _)| *e)
                .collect(),
            None => exits(procedure, id),
        };
        for way in ways {
            if way.is_some() && way == withdrawn {
                can_withdraw[i] = true;
                continue;
            }
            match way {
                None => next[i].extend(step.otherwise.iter().map(|o| o.target)),
                Some(e) => {
                    next[i].extend(
                        step.transitions
                            .iter()
                            .filter(|t| t.event == e && t.target != Target::Step(id))
                            .map(|t| t.target),
                    );
                    next[i].extend(
                        step.escalations
                            .iter()
                            .filter(|x| x.event == e)
                            .map(|x| Target::Step(x.target)),
                    );
                }
            }
        }
        // A missed deadline moves a case by itself.
        next[i].extend(step.missed_moves.iter().map(|m| m.target));
        // Refusals, rejections and `on entry` moves move a case on entry.
        next[i].extend(
            step.refusals
                .iter()
                .chain(&step.rejects)
                .chain(&step.entry_moves)
                .chain(&step.otherwise_when)
                .filter_map(|r| r.target),
        );
    }
    let mut ends = vec![false; n];
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            if !ends[i]
                && (can_withdraw[i]
                    || next[i].iter().any(|t| {
                        matches!(t, Target::Outcome(_))
                            || matches!(t, Target::Step(s) if ends[s.index()])
                    }))
            {
                ends[i] = true;
                changed = true;
            }
        }
    }
    let mut seen = vec![false; n];
    let mut stack = vec![procedure.start.index()];
    while let Some(i) = stack.pop() {
        if i >= n || seen[i] {
            continue;
        }
        seen[i] = true;
        if !ends[i] {
            return Some(procedure.steps[i].name.clone());
        }
        for t in &next[i] {
            if let Target::Step(s) = t {
                stack.push(s.index());
            }
        }
    }
    None
}
