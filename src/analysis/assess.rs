//! Whether a procedure complies with a standard it follows, provision by
//! provision: the rules of docs/assess.md, each a pure function over the
//! two compiled procedures and the mapping between their steps.
//!
//! A provision is one of the standard's `paragraphs`. Every deadline,
//! window, task, notice, referral, route and person rule of the standard
//! that cites it is looked for in the procedure and judged; a provision no
//! such rule cites is for the organisation to evidence, never complied.
//! Lengths in different units are compared by the one model
//! (`approximate_length`), and an anchor counted from a task or window is
//! bounded as `redress paths` bounds it (`paths::anchor_latest`).

use serde::Serialize;

use crate::analysis::paths::anchor_latest;
use crate::check::ir::{
    approximate_length, Anchor, Builtin, DurationSpec, Expr, Extension, OutcomeId, Procedure,
    ReferralDue, Route, RouteKind, Step, StepId, Unit, Value, LENGTH_OF_A_WORKING_DAY,
};
use crate::check::words;
use crate::follows::Follows;

/// Whether a provision, or one rule of it, is met.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Yes,
    /// Some of its rules are met, or one cannot be decided mechanically
    /// (an open-ended bound, guards that differ).
    Partly,
    No,
    /// No rule of the standard encodes it: the organisation shows it
    /// complies by other means (a published policy, training records).
    ForTheOrganisationToEvidence,
}

impl Verdict {
    /// How the self-assessment table says it.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Yes => "Yes",
            Verdict::Partly => "Partly",
            Verdict::No => "No",
            Verdict::ForTheOrganisationToEvidence => "For the organisation to evidence",
        }
    }

    /// Whether the provision falls short.
    pub fn fails(self) -> bool {
        matches!(self, Verdict::No | Verdict::Partly)
    }
}

/// A part of the assessed procedure, by position, for the caller to place
/// at its line (the IR keeps no spans).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Procedure,
    Step {
        step: StepId,
    },
    Task {
        step: StepId,
        task: usize,
    },
    Deadline {
        step: StepId,
        deadline: usize,
    },
    Window {
        step: StepId,
        window: usize,
    },
    Notice {
        notice: usize,
    },
    /// A route or referral of the procedure (`step: None`) or of a step.
    Route {
        step: Option<StepId>,
        route: usize,
    },
    /// A route in an outcome's block.
    OutcomeRoute {
        outcome: OutcomeId,
        route: usize,
    },
    Role {
        role: usize,
    },
}

/// What in the procedure a verdict rests on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evidence {
    /// Placed by the caller as `file` and `line`.
    #[serde(skip)]
    pub item: Item,
    /// The item in words: "step stage_one, deadline response: 10 working days from acknowledge".
    pub what: String,
    /// The procedure's own citations of it.
    pub cites: Vec<String>,
}

/// One rule of the standard, judged.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The standard's rule in words.
    pub requirement: String,
    pub verdict: Verdict,
    pub evidence: Evidence,
    /// Why, when not plainly met; empty otherwise.
    pub comment: String,
}

/// One provision of the standard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Provision {
    pub provision: String,
    pub verdict: Verdict,
    /// The standard's notes citing it, for a provision no rule encodes.
    pub requirement: String,
    pub findings: Vec<Finding>,
}

/// A procedure assessed against a standard.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    pub procedure: String,
    pub standard: String,
    pub standard_title: String,
    pub provisions: Vec<Provision>,
}

impl Assessment {
    /// Whether every provision is met or is for the organisation to evidence.
    pub fn met(&self) -> bool {
        !self.provisions.iter().any(|p| p.verdict.fails())
    }

    /// Each rule not met (or met in part) once, with every provision it
    /// falls short of: one rule may cite several provisions.
    pub fn faults(&self) -> Vec<(Vec<&str>, &Finding)> {
        let mut out: Vec<(Vec<&str>, &Finding)> = Vec::new();
        for p in &self.provisions {
            for f in p.findings.iter().filter(|f| f.verdict.fails()) {
                match out.iter_mut().find(|(_, g)| *g == f) {
                    Some((labels, _)) => labels.push(&p.provision),
                    None => out.push((vec![&p.provision], f)),
                }
            }
        }
        out
    }
}

/// Assesses `own` against `standard` through `follows`.
pub fn assess(own: &Procedure, standard: &Procedure, follows: &Follows) -> Assessment {
    let a = Assessor {
        own,
        std: standard,
        follows,
    };
    let mut rules: Vec<(Vec<String>, Finding)> = Vec::new();
    for (si, s) in standard.steps.iter().enumerate() {
        let stage = StepId(si as u32);
        let Some(mine) = follows.step(stage) else {
            continue;
        };
        for t in 0..s.tasks.len() {
            rules.push((s.tasks[t].cites.clone(), a.task(stage, t, mine)));
        }
        for d in 0..s.deadlines.len() {
            rules.push((s.deadlines[d].cites.clone(), a.deadline(stage, d, mine)));
        }
        for w in 0..s.escalations.len() {
            rules.push((s.escalations[w].cites.clone(), a.window(stage, w, mine)));
        }
        for r in &s.routes {
            rules.push((r.cites.clone(), a.route(r, Some((stage, mine)), None)));
        }
        if !s.different_from.is_empty() {
            // A person rule comes from what its `lead` line cites, else
            // from its step's provisions.
            let cites = if s.lead_cites.is_empty() {
                &s.cites
            } else {
                &s.lead_cites
            };
            rules.push((cites.clone(), a.different_from(stage, mine)));
        }
    }
    for n in 0..standard.notices.len() {
        rules.push((standard.notices[n].cites.clone(), a.notice(n)));
    }
    for r in &standard.routes {
        rules.push((r.cites.clone(), a.route(r, None, None)));
    }
    for (oi, o) in standard.outcomes.iter().enumerate() {
        for r in &o.routes {
            let after = Some(OutcomeId(oi as u32));
            rules.push((r.cites.clone(), a.route(r, None, after)));
        }
    }
    for (ri, r) in standard.roles.iter().enumerate() {
        if !r.not_also.is_empty() {
            rules.push((r.cites.clone(), a.not_also(ri)));
        }
    }
    let labels = if standard.paragraphs.is_empty() {
        &standard.cited
    } else {
        &standard.paragraphs
    };
    let provisions = labels
        .iter()
        .map(|label| {
            let findings: Vec<Finding> = rules
                .iter()
                .filter(|(cites, _)| cites.contains(label))
                .map(|(_, f)| f.clone())
                .collect();
            let verdict = overall(&findings);
            Provision {
                provision: label.clone(),
                verdict,
                requirement: if findings.is_empty() {
                    notes_citing(standard, label)
                } else {
                    String::new()
                },
                findings,
            }
        })
        .collect();
    Assessment {
        procedure: own.id.clone(),
        standard: standard.id.clone(),
        standard_title: standard.title.clone(),
        provisions,
    }
}

/// A provision's verdict from its rules': met when all are, not met when
/// none is, partly otherwise.
fn overall(findings: &[Finding]) -> Verdict {
    if findings.is_empty() {
        return Verdict::ForTheOrganisationToEvidence;
    }
    if findings.iter().all(|f| f.verdict == Verdict::Yes) {
        Verdict::Yes
    } else if findings.iter().all(|f| f.verdict == Verdict::No) {
        Verdict::No
    } else {
        Verdict::Partly
    }
}

/// What the standard says of a provision it encodes in no rule: its notes
/// (and titles of steps) citing it.
fn notes_citing(standard: &Procedure, label: &str) -> String {
    let cites = |c: &Vec<String>| c.iter().any(|l| l == label);
    let mut texts: Vec<String> = standard
        .notes
        .iter()
        .chain(standard.steps.iter().flat_map(|s| s.notes.iter()))
        .filter(|n| cites(&n.cites))
        .map(|n| n.text.clone())
        .collect();
    // Without a note, the reasons of the refusals citing it say what it
    // asks (exclusions, time limits), then the facts it turns on.
    if texts.is_empty() {
        for s in &standard.steps {
            for r in s.rejects.iter().chain(&s.refusals) {
                if let Some(reason) = r.reason.as_ref().filter(|_| cites(&r.cites)) {
                    if !texts.contains(reason) {
                        texts.push(reason.clone());
                    }
                }
            }
        }
    }
    if texts.is_empty() {
        texts.extend(
            standard
                .facts
                .iter()
                .filter(|f| cites(&f.cites))
                .filter_map(|f| f.title.clone()),
        );
    }
    if texts.is_empty() {
        texts.extend(
            standard
                .steps
                .iter()
                .filter(|s| cites(&s.cites))
                .map(|s| s.title.clone().unwrap_or_else(|| s.name.clone())),
        );
    }
    texts.join("; ")
}

/// A verdict and why.
type Judged = (Verdict, String);

fn yes() -> Judged {
    (Verdict::Yes, String::new())
}

/// The worse of two judgements, their comments joined.
fn worse(a: Judged, b: Judged) -> Judged {
    let verdict = a.0.max(b.0);
    let comment = [a.1, b.1]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    (verdict, comment)
}

/// A length in whole working days, rounded up, for comments.
fn days(length: u64) -> u64 {
    length.div_ceil(LENGTH_OF_A_WORKING_DAY)
}

/// One of a time limit's two sides, as written in its procedure.
#[derive(Clone, Copy)]
struct Limit<'a> {
    procedure: &'a Procedure,
    step: &'a Step,
    duration: DurationSpec,
    anchor: Anchor,
    beginning: bool,
    /// The word before the anchor: `from` for a deadline, `of` for a
    /// task's or a window's time.
    usual: &'static str,
}

impl Limit<'_> {
    /// Its length, less the anchor day when that counts as the first;
    /// `None` for a duration the case gives.
    fn length(&self) -> Option<u64> {
        let (amount, unit) = match self.duration {
            DurationSpec::Fixed { amount, unit } => (amount, unit),
            DurationSpec::Fact(f) => match self.procedure.setting(f).map(|s| &s.value) {
                Some(Value::Duration(amount, unit)) => (*amount, *unit),
                _ => return None,
            },
        };
        let day = match unit {
            Unit::WorkingDays => LENGTH_OF_A_WORKING_DAY,
            _ => approximate_length(1, Unit::Days),
        };
        let length = approximate_length(amount, unit);
        Some(if self.beginning {
            length.saturating_sub(day)
        } else {
            length
        })
    }

    /// What it counts from, in names both procedures can share: `entry`
    /// for the step's entry, and for `received` in the first step.
    fn anchor_name(&self) -> String {
        let first = self.procedure.steps.get(self.procedure.start.index());
        let is_first = first.is_some_and(|f| std::ptr::eq(f, self.step));
        match self.anchor {
            Anchor::Event(e) if is_first && e == Builtin::Received.id() => "entry".into(),
            other => words::anchor(self.procedure, other),
        }
    }

    fn words(&self) -> String {
        words::period(
            self.procedure,
            self.duration,
            self.anchor,
            self.beginning,
            self.usual,
        )
    }
}

struct Assessor<'a> {
    own: &'a Procedure,
    std: &'a Procedure,
    follows: &'a Follows,
}

impl<'a> Assessor<'a> {
    fn stage(&self, stage: StepId) -> &'a Step {
        &self.std.steps[stage.index()]
    }

    fn mine(&self, step: StepId) -> &'a Step {
        &self.own.steps[step.index()]
    }

    fn limit(
        &self,
        ours: bool,
        step: &'a Step,
        duration: DurationSpec,
        anchor: Anchor,
        beginning: bool,
    ) -> Limit<'a> {
        Limit {
            procedure: if ours { self.own } else { self.std },
            step,
            duration,
            anchor,
            beginning,
            usual: "from",
        }
    }

    /// A due date complies when, for every case, it is never later than
    /// the standard's. From the same anchor the lengths are compared;
    /// from different ones, the latest the procedure's can fall after
    /// entry into the step against the earliest the standard's can (its
    /// anchor on the day the stage starts).
    fn no_later(&self, mine: Limit<'_>, theirs: Limit<'_>) -> Judged {
        let (Some(m), Some(t)) = (mine.length(), theirs.length()) else {
            return (
                Verdict::Partly,
                format!(
                    "open-ended: `{}` against the standard's `{}` depends on the case",
                    mine.words(),
                    theirs.words()
                ),
            );
        };
        if self.follows.name(&theirs.anchor_name()) == mine.anchor_name() {
            return if m <= t {
                yes()
            } else {
                (
                    Verdict::No,
                    format!(
                        "{} is longer than the standard's {}",
                        mine.words(),
                        theirs.words()
                    ),
                )
            };
        }
        let latest = match anchor_latest(mine.procedure, mine.step, mine.anchor) {
            Ok(delay) => delay + m,
            Err(why) => {
                return (
                    Verdict::Partly,
                    format!("open-ended: `{}`: {}", mine.words(), why.join("; ")),
                )
            }
        };
        if matches!(theirs.anchor, Anchor::Fact(_) | Anchor::Date(_)) {
            return (
                Verdict::Partly,
                format!(
                    "open-ended: the standard's `{}` counts from a date the case gives",
                    theirs.words()
                ),
            );
        }
        if latest <= t {
            yes()
        } else {
            (
                Verdict::No,
                format!(
                    "`{}` can fall {} working days after the stage starts; the standard's `{}` can fall after {} (when `{}` comes the day the stage starts)",
                    mine.words(),
                    days(latest),
                    theirs.words(),
                    days(t),
                    theirs.anchor_name()
                ),
            )
        }
    }

    /// A window complies when it is never shorter than the standard's.
    fn no_shorter(&self, mine: Limit<'_>, theirs: Limit<'_>) -> Judged {
        let (Some(m), Some(t)) = (mine.length(), theirs.length()) else {
            return (
                Verdict::Partly,
                format!(
                    "open-ended: `{}` against the standard's `{}` depends on the case",
                    mine.words(),
                    theirs.words()
                ),
            );
        };
        if self.follows.name(&theirs.anchor_name()) == mine.anchor_name() {
            return if m >= t {
                yes()
            } else {
                (
                    Verdict::No,
                    format!(
                        "{} is shorter than the standard's {}",
                        mine.words(),
                        theirs.words()
                    ),
                )
            };
        }
        let latest = match anchor_latest(theirs.procedure, theirs.step, theirs.anchor) {
            Ok(delay) => delay + t,
            Err(why) => {
                return (
                    Verdict::Partly,
                    format!(
                        "open-ended: the standard's `{}`: {}",
                        theirs.words(),
                        why.join("; ")
                    ),
                )
            }
        };
        if matches!(mine.anchor, Anchor::Fact(_) | Anchor::Date(_)) {
            return (
                Verdict::Partly,
                format!(
                    "open-ended: `{}` counts from a date the case gives",
                    mine.words()
                ),
            );
        }
        if m >= latest {
            yes()
        } else {
            (
                Verdict::No,
                format!(
                    "`{}` can close {} working days after the stage starts; the standard's `{}` can stay open for {}",
                    mine.words(),
                    days(m),
                    theirs.words(),
                    days(latest)
                ),
            )
        }
    }

    /// A guard complies when it is at least as wide as the standard's: none
    /// at all, or the same condition. Other conditions are not compared
    /// mechanically.
    fn as_wide(&self, mine: Option<&Expr>, theirs: Option<&Expr>) -> Judged {
        match (mine, theirs) {
            (None, _) => yes(),
            (Some(m), None) => (
                Verdict::No,
                format!(
                    "only when {}; the standard has no condition",
                    words::guard(self.own, m, None)
                ),
            ),
            (Some(m), Some(t)) => {
                let (m, t) = (
                    words::guard(self.own, m, None),
                    words::guard(self.std, t, None),
                );
                if m == t {
                    yes()
                } else {
                    (
                        Verdict::Partly,
                        format!("only when {m}; the standard: when {t}; whether that is as wide is for the organisation to show"),
                    )
                }
            }
        }
    }

    /// Whether a route only after outcome `mine` (or after any, `None`)
    /// is as wide as the standard's, only after `theirs`: a route one
    /// outcome opens is narrower than one whatever the outcome, and one
    /// after another outcome than the standard's does not meet it.
    fn after_as_wide(&self, mine: Option<OutcomeId>, theirs: Option<OutcomeId>) -> Judged {
        let own_name = |o: OutcomeId| self.own.outcomes[o.index()].name.as_str();
        match (mine, theirs) {
            (None, _) => yes(),
            (Some(m), None) => (
                Verdict::No,
                format!(
                    "only after the outcome {}; the standard's is open whatever the outcome",
                    own_name(m)
                ),
            ),
            (Some(m), Some(t)) => {
                let wanted = self.follows.name(&self.std.outcomes[t.index()].name);
                if own_name(m) == wanted {
                    yes()
                } else {
                    (
                        Verdict::No,
                        format!(
                            "only after the outcome {}; the standard's after {wanted}",
                            own_name(m)
                        ),
                    )
                }
            }
        }
    }

    fn step_evidence(&self, mine: StepId) -> Evidence {
        let s = self.mine(mine);
        Evidence {
            item: Item::Step { step: mine },
            what: format!("step {}", s.name),
            cites: s.cites.clone(),
        }
    }

    fn missing(&self, requirement: String, mine: StepId, what: String) -> Finding {
        Finding {
            requirement,
            verdict: Verdict::No,
            evidence: self.step_evidence(mine),
            comment: format!("step {} has no {what}", self.mine(mine).name),
        }
    }

    fn task(&self, stage: StepId, t: usize, mine: StepId) -> Finding {
        let s = self.stage(stage);
        let task = &s.tasks[t];
        let mut requirement = format!("{}: task {}", s.name, task.name);
        if let Some((within, anchor)) = task.within {
            let l = self.limit(false, s, within, anchor, task.within_beginning);
            requirement.push_str(&format!(" within {}", Limit { usual: "of", ..l }.words()));
        }
        if let Some(g) = &task.guard {
            requirement.push_str(&format!(" when {}", words::guard(self.std, g, None)));
        }
        let name = self.follows.name(&task.name);
        let my = self.mine(mine);
        let Some(i) = my.tasks.iter().position(|x| x.name == name) else {
            return self.missing(requirement, mine, format!("task `{name}`"));
        };
        let found = &my.tasks[i];
        let mut judged = self.as_wide(found.guard.as_ref(), task.guard.as_ref());
        let mut what = format!("step {}, task {}", my.name, found.name);
        if let Some((within, anchor)) = found.within {
            let l = self.limit(true, my, within, anchor, found.within_beginning);
            what.push_str(&format!(" within {}", Limit { usual: "of", ..l }.words()));
        }
        if let Some((within, anchor)) = task.within {
            let theirs = self.limit(false, s, within, anchor, task.within_beginning);
            judged = worse(
                judged,
                match found.within {
                    Some((w, a)) => {
                        self.no_later(self.limit(true, my, w, a, found.within_beginning), theirs)
                    }
                    None => (Verdict::No, "it has no time limit".into()),
                },
            );
        }
        Finding {
            requirement,
            verdict: judged.0,
            evidence: Evidence {
                item: Item::Task {
                    step: mine,
                    task: i,
                },
                what,
                cites: found.cites.clone(),
            },
            comment: judged.1,
        }
    }

    fn deadline(&self, stage: StepId, d: usize, mine: StepId) -> Finding {
        let s = self.stage(stage);
        let theirs = &s.deadlines[d];
        let t = self.limit(false, s, theirs.duration, theirs.anchor, theirs.beginning);
        let mut requirement = format!("{}: {} due {}", s.name, theirs.name, t.words());
        match &theirs.extension {
            Extension::None => {}
            Extension::ByAgreement => requirement.push_str(", extendable by agreement"),
            Extension::UpTo(c) => requirement.push_str(&format!(
                ", extendable to {}",
                words::duration(self.std, *c)
            )),
        }
        let name = self.follows.name(&theirs.name);
        let my = self.mine(mine);
        let i = my
            .deadlines
            .iter()
            .position(|x| x.name == name)
            .or((my.deadlines.len() == 1).then_some(0));
        let Some(i) = i else {
            return self.missing(requirement, mine, format!("deadline `{name}`"));
        };
        let found = &my.deadlines[i];
        let m = self.limit(true, my, found.duration, found.anchor, found.beginning);
        let mut what = format!("step {}, deadline {}: {}", my.name, found.name, m.words());
        let mut judged = self.no_later(m, t);
        let ceiling = |limit: Limit<'a>, c: DurationSpec| Limit {
            duration: c,
            ..limit
        };
        let extension = match (&found.extension, &theirs.extension) {
            (Extension::None, _) => yes(),
            (Extension::ByAgreement, Extension::ByAgreement) => yes(),
            (Extension::UpTo(_), Extension::ByAgreement) => yes(),
            (_, Extension::None) => (
                Verdict::No,
                "it may be extended; the standard's may not".into(),
            ),
            (Extension::ByAgreement, Extension::UpTo(c)) => (
                Verdict::No,
                format!(
                    "its extension is open-ended (by agreement); the standard's ends at {}",
                    words::duration(self.std, *c)
                ),
            ),
            (Extension::UpTo(mc), Extension::UpTo(tc)) => {
                what.push_str(&format!(
                    ", extendable to {}",
                    words::duration(self.own, *mc)
                ));
                let (v, why) = self.no_later(ceiling(m, *mc), ceiling(t, *tc));
                (v, why.replace(" is longer", " (extended) is longer"))
            }
        };
        judged = worse(judged, extension);
        judged = worse(
            judged,
            self.as_wide(found.guard.as_ref(), theirs.guard.as_ref()),
        );
        Finding {
            requirement,
            verdict: judged.0,
            evidence: Evidence {
                item: Item::Deadline {
                    step: mine,
                    deadline: i,
                },
                what,
                cites: found.cites.clone(),
            },
            comment: judged.1,
        }
    }

    fn window(&self, stage: StepId, w: usize, mine: StepId) -> Finding {
        let s = self.stage(stage);
        let theirs = &s.escalations[w];
        let t = Limit {
            usual: "of",
            ..self.limit(false, s, theirs.within, theirs.anchor, theirs.beginning)
        };
        let event = self.std.events[theirs.event.index()].name.clone();
        let requirement = format!(
            "{}: the complainant may ask ({event}) within {}",
            s.name,
            t.words()
        );
        let my = self.mine(mine);
        let name = self.follows.name(&event);
        let target = self.follows.step(theirs.target);
        let i = my
            .escalations
            .iter()
            .position(|x| self.own.events[x.event.index()].name == name)
            .or_else(|| my.escalations.iter().position(|x| Some(x.target) == target));
        let Some(i) = i else {
            return self.missing(requirement, mine, format!("window for `{name}`"));
        };
        let found = &my.escalations[i];
        let m = Limit {
            usual: "of",
            ..self.limit(true, my, found.within, found.anchor, found.beginning)
        };
        let judged = self.no_shorter(m, t);
        Finding {
            requirement,
            verdict: judged.0,
            evidence: Evidence {
                item: Item::Window {
                    step: mine,
                    window: i,
                },
                what: format!(
                    "step {}, window for {} within {}",
                    my.name,
                    self.own.events[found.event.index()].name,
                    m.words()
                ),
                cites: found.cites.clone(),
            },
            comment: judged.1,
        }
    }

    fn notice(&self, n: usize) -> Finding {
        let theirs = &self.std.notices[n];
        let requirement = format!(
            "notice {} including {}",
            theirs.name,
            theirs.includes.join(", ")
        );
        let name = self.follows.name(&theirs.name);
        let Some(i) = self.own.notices.iter().position(|x| x.name == name) else {
            return Finding {
                requirement,
                verdict: Verdict::No,
                evidence: Evidence {
                    item: Item::Procedure,
                    what: format!("procedure {}", self.own.id),
                    cites: Vec::new(),
                },
                comment: format!("no notice `{name}`"),
            };
        };
        let found = &self.own.notices[i];
        let lacking: Vec<&str> = theirs
            .includes
            .iter()
            .map(|x| self.follows.name(x))
            .filter(|x| !found.includes.iter().any(|y| y == x))
            .collect();
        let (verdict, comment) = if lacking.is_empty() {
            yes()
        } else {
            (
                Verdict::No,
                format!("it does not include {}", lacking.join(", ")),
            )
        };
        Finding {
            requirement,
            verdict,
            evidence: Evidence {
                item: Item::Notice { notice: i },
                what: format!(
                    "notice {} including {}",
                    found.name,
                    found.includes.join(", ")
                ),
                cites: found.cites.clone(),
            },
            comment,
        }
    }

    /// `theirs_after`: the standard's outcome whose block `theirs` is in.
    fn route(
        &self,
        theirs: &Route,
        stage: Option<(StepId, StepId)>,
        theirs_after: Option<OutcomeId>,
    ) -> Finding {
        let body = &self.std.bodies[theirs.body.index()];
        let kind = match theirs.kind {
            RouteKind::Open => "route to",
            RouteKind::Referral => "referral to",
        };
        let mut requirement = match (stage, theirs_after) {
            (Some((s, _)), _) => format!("{}: {kind} {}", self.stage(s).name, body.name),
            (None, Some(o)) => format!(
                "after outcome {}: {kind} {}",
                self.std.outcomes[o.index()].name,
                body.name
            ),
            (None, None) => format!("{kind} {}", body.name),
        };
        if let Some(g) = &theirs.guard {
            requirement.push_str(&format!(" when {}", words::guard(self.std, g, None)));
        }
        let name = self.follows.name(&body.name);
        // Each with the outcome it is only after, if any.
        let mut candidates: Vec<(Item, &Route, Option<OutcomeId>)> = self
            .own
            .routes
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    Item::Route {
                        step: None,
                        route: i,
                    },
                    r,
                    None,
                )
            })
            .collect();
        if let Some((_, mine)) = stage {
            candidates.extend(self.mine(mine).routes.iter().enumerate().map(|(i, r)| {
                (
                    Item::Route {
                        step: Some(mine),
                        route: i,
                    },
                    r,
                    None,
                )
            }));
        }
        for (oi, o) in self.own.outcomes.iter().enumerate() {
            let outcome = OutcomeId(oi as u32);
            candidates.extend(
                o.routes
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (Item::OutcomeRoute { outcome, route: i }, r, Some(outcome))),
            );
        }
        let same_body = |r: &Route| {
            let b = &self.own.bodies[r.body.index()];
            b.name == name || (b.kind.is_some() && b.kind == body.kind)
        };
        let judged: Vec<(Judged, Item, &Route, Option<OutcomeId>)> = candidates
            .into_iter()
            .filter(|(_, r, _)| r.kind == theirs.kind && same_body(r))
            .map(|(item, r, after)| {
                let due = match (r.due, theirs.due) {
                    (_, None) | (Some(ReferralDue::Immediately), _) => yes(),
                    (None, Some(_)) => (Verdict::Partly, "no time is set for it".into()),
                    (Some(ReferralDue::Within(_)), Some(ReferralDue::Immediately)) => {
                        (Verdict::No, "the standard's is immediate".into())
                    }
                    (Some(ReferralDue::Within(a)), Some(ReferralDue::Within(b))) => {
                        let (a, b) = (self.length_of(self.own, a), self.length_of(self.std, b));
                        match (a, b) {
                            (Some(a), Some(b)) if a <= b => yes(),
                            (Some(_), Some(_)) => (Verdict::No, "later than the standard's".into()),
                            _ => (
                                Verdict::Partly,
                                "open-ended: its time depends on the case".into(),
                            ),
                        }
                    }
                };
                let j = worse(self.as_wide(r.guard.as_ref(), theirs.guard.as_ref()), due);
                let j = worse(self.after_as_wide(after, theirs_after), j);
                (j, item, r, after)
            })
            .collect();
        let best = judged.into_iter().min_by_key(|(j, _, _, _)| j.0);
        let Some(((verdict, comment), item, r, after)) = best else {
            return Finding {
                requirement,
                verdict: Verdict::No,
                evidence: match stage {
                    Some((_, mine)) => self.step_evidence(mine),
                    None => Evidence {
                        item: Item::Procedure,
                        what: format!("procedure {}", self.own.id),
                        cites: Vec::new(),
                    },
                },
                comment: format!("no {kind} {name}"),
            };
        };
        let mut what = format!("{kind} {}", self.own.bodies[r.body.index()].name);
        if let Some(o) = after {
            what = format!("outcome {}: {what}", self.own.outcomes[o.index()].name);
        }
        if let Some(g) = &r.guard {
            what.push_str(&format!(" when {}", words::guard(self.own, g, None)));
        }
        Finding {
            requirement,
            verdict,
            evidence: Evidence {
                item,
                what,
                cites: r.cites.clone(),
            },
            comment,
        }
    }

    fn length_of(&self, p: &Procedure, spec: DurationSpec) -> Option<u64> {
        match spec {
            DurationSpec::Fixed { amount, unit } => Some(approximate_length(amount, unit)),
            DurationSpec::Fact(f) => match p.setting(f).map(|s| &s.value) {
                Some(Value::Duration(amount, unit)) => Some(approximate_length(*amount, *unit)),
                _ => None,
            },
        }
    }

    fn different_from(&self, stage: StepId, mine: StepId) -> Finding {
        let s = self.stage(stage);
        let others: Vec<&str> = s
            .different_from
            .iter()
            .map(|o| self.std.steps[o.index()].name.as_str())
            .collect();
        let requirement = format!(
            "{}: its lead is not the person who led {}",
            s.name,
            others.join(", ")
        );
        let my = self.mine(mine);
        let lacking: Vec<String> = s
            .different_from
            .iter()
            .filter(|o| {
                let wanted = self.follows.step(**o);
                !my.different_from.iter().any(|d| Some(*d) == wanted)
            })
            .map(|o| self.std.steps[o.index()].name.clone())
            .collect();
        let (verdict, comment) = if lacking.is_empty() {
            yes()
        } else {
            (
                Verdict::No,
                format!(
                    "its lead may be the person who led the step playing {}",
                    lacking.join(", ")
                ),
            )
        };
        let mut evidence = self.step_evidence(mine);
        evidence.what = format!(
            "step {}, lead different from {}",
            my.name,
            my.different_from
                .iter()
                .map(|d| self.own.steps[d.index()].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        Finding {
            requirement,
            verdict,
            evidence,
            comment,
        }
    }

    fn not_also(&self, r: usize) -> Finding {
        let role = &self.std.roles[r];
        let names: Vec<&str> = role
            .not_also
            .iter()
            .map(|o| self.std.roles[o.index()].name.as_str())
            .collect();
        let requirement = format!("no one is both {} and {}", role.name, names.join(" or "));
        let name = self.follows.name(&role.name);
        let Some(i) = self.own.roles.iter().position(|x| x.name == name) else {
            return Finding {
                requirement,
                verdict: Verdict::No,
                evidence: Evidence {
                    item: Item::Procedure,
                    what: format!("procedure {}", self.own.id),
                    cites: Vec::new(),
                },
                comment: format!("no role `{name}`"),
            };
        };
        let found = &self.own.roles[i];
        let mine: Vec<&str> = found
            .not_also
            .iter()
            .map(|o| self.own.roles[o.index()].name.as_str())
            .collect();
        let lacking: Vec<&str> = names
            .iter()
            .map(|n| self.follows.name(n))
            .filter(|n| !mine.contains(n))
            .collect();
        let (verdict, comment) = if lacking.is_empty() {
            yes()
        } else {
            (
                Verdict::No,
                format!(
                    "one person may be {} and {}",
                    found.name,
                    lacking.join(" or ")
                ),
            )
        };
        Finding {
            requirement,
            verdict,
            evidence: Evidence {
                item: Item::Role { role: i },
                what: format!("role {}, not also {}", found.name, mine.join(", ")),
                cites: found.cites.clone(),
            },
            comment,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_str;

    fn compile(text: &str) -> Procedure {
        let compiled = compile_str("t.proc", text);
        match compiled.procedure {
            Some(p) => p,
            None => panic!("{:?}", compiled.problems),
        }
    }

    /// A standard with one stage and every kind of rule, each citing its
    /// own paragraph.
    const STANDARD: &str = r#"
procedure code "Code" {
  paragraphs "1" "2" "3" "4" "5" "6" "7"
  role landlord "Landlord"
  role complainant "Complainant"
  body ombudsman ombudsman "Ombudsman"
  route to ombudsman cite "5"
  notice extension_notice to complainant "Extension" includes reason, new_date, ombudsman_details cite "4"
  start stage1
  step stage1 "Stage 1" cite "7" {
    lead landlord
    task acknowledge within 5 working days of entry cite "1"
    deadline response 10 working days from acknowledge, extendable to 20 working days, with notice to complainant met by responded cite "2"
    on responded -> stage2 cite "7"
  }
  step stage2 "Stage 2" cite "7" {
    lead landlord, different from stage1 cite "6"
    deadline response 20 working days from entry met by decided cite "2"
    on decided -> closed cite "7"
  }
  outcome closed "Closed"
}
"#;

    fn own(stage1_response: &str, includes: &str, different: &str) -> String {
        format!(
            r#"
procedure mine "Mine" {{
  role landlord "Landlord"
  role complainant "Complainant"
  body hos ombudsman "Housing Ombudsman"
  route to hos
  notice extension_notice to complainant "Extension" includes {includes}
  start first
  step first "First" {{
    lead landlord
    task acknowledge within 5 working days of entry
    deadline response {stage1_response}, extendable to 20 working days, with notice to complainant met by responded
    on responded -> second
  }}
  step second "Second" {{
    lead landlord{different}
    deadline response 20 working days from entry met by decided
    on decided -> closed
  }}
  outcome closed "Closed"
}}
"#
        )
    }

    fn run(own_text: &str) -> Assessment {
        let (o, s) = (compile(own_text), compile(STANDARD));
        let follows = Follows {
            stages: vec![Some(StepId(0)), Some(StepId(1))],
            names: Default::default(),
        };
        assess(&o, &s, &follows)
    }

    fn verdicts(a: &Assessment) -> Vec<(&str, Verdict)> {
        a.provisions
            .iter()
            .map(|p| (p.provision.as_str(), p.verdict))
            .collect()
    }

    const ALL: &str = "reason, new_date, ombudsman_details";

    #[test]
    fn a_procedure_that_copies_the_standard_meets_every_rule_and_leaves_the_rest_to_evidence() {
        let a = run(&own(
            "10 working days from acknowledge",
            ALL,
            ", different from first",
        ));
        use Verdict::*;
        assert_eq!(
            verdicts(&a),
            vec![
                ("1", Yes),
                ("2", Yes),
                ("3", ForTheOrganisationToEvidence),
                ("4", Yes),
                ("5", Yes),
                ("6", Yes),
                ("7", ForTheOrganisationToEvidence),
            ]
        );
        assert!(a.met());
    }

    #[test]
    fn fifteen_working_days_from_receipt_is_later_than_ten_from_an_acknowledgement_that_can_come_on_day_one(
    ) {
        let a = run(&own(
            "15 working days from entry",
            ALL,
            ", different from first",
        ));
        let p = &a.provisions[1];
        // Stage 1 fails, stage 2 is met: the provision is met in part.
        assert_eq!(p.verdict, Verdict::Partly);
        let f = &p.findings[0];
        assert_eq!(f.verdict, Verdict::No);
        assert_eq!(
            f.evidence.item,
            Item::Deadline {
                step: StepId(0),
                deadline: 0
            }
        );
        assert!(f.comment.contains("15 working days after"), "{}", f.comment);
        assert!(!a.met());
    }

    #[test]
    fn a_deadline_counted_from_the_same_anchor_complies_when_no_longer() {
        let a = run(&own(
            "9 working days from acknowledge",
            ALL,
            ", different from first",
        ));
        assert_eq!(a.provisions[1].verdict, Verdict::Yes);
        let a = run(&own(
            "11 working days from acknowledge",
            ALL,
            ", different from first",
        ));
        assert_eq!(a.provisions[1].findings[0].verdict, Verdict::No);
    }

    #[test]
    fn a_notice_missing_an_item_is_not_met_and_names_it() {
        let a = run(&own(
            "10 working days from acknowledge",
            "reason, new_date",
            ", different from first",
        ));
        let p = &a.provisions[3];
        assert_eq!(p.verdict, Verdict::No);
        assert_eq!(
            p.findings[0].comment,
            "it does not include ombudsman_details"
        );
        assert_eq!(p.findings[0].evidence.item, Item::Notice { notice: 0 });
    }

    #[test]
    fn a_person_rule_left_out_is_not_met() {
        let a = run(&own("10 working days from acknowledge", ALL, ""));
        assert_eq!(a.provisions[5].verdict, Verdict::No);
    }

    #[test]
    fn a_longer_extension_ceiling_is_not_met() {
        let text = own(
            "10 working days from acknowledge",
            ALL,
            ", different from first",
        )
        .replace(
            "extendable to 20 working days",
            "extendable to 25 working days",
        );
        let a = run(&text);
        assert_eq!(a.provisions[1].findings[0].verdict, Verdict::No);
    }

    /// A standard with a window of 20 working days from its response, and
    /// an own procedure whose window is `window`.
    fn windows(window: &str) -> Assessment {
        let standard = compile(
            r#"
procedure code "Code" {
  paragraphs "1"
  role landlord "Landlord"
  role complainant "Complainant"
  start stage1
  step stage1 "Stage 1" {
    lead landlord
    on responded -> considered
  }
  step considered "Considered" {
    lead complainant
    escalate to stage2 on stage2_requested by complainant within 20 working days of responded cite "1"
    otherwise -> closed
  }
  step stage2 "Stage 2" {
    lead landlord
    on decided -> closed
  }
  outcome closed "Closed"
}
"#,
        );
        let own = compile(&format!(
            r#"
procedure mine "Mine" {{
  role landlord "Landlord"
  role complainant "Complainant"
  start first
  step first "First" {{
    lead landlord
    on responded -> thinking
  }}
  step thinking "Thinking" {{
    lead complainant
    escalate to second on stage2_requested by complainant within {window}
    otherwise -> closed
  }}
  step second "Second" {{
    lead landlord
    on decided -> closed
  }}
  outcome closed "Closed"
}}
"#
        ));
        let follows = Follows {
            stages: vec![Some(StepId(0)), Some(StepId(1)), Some(StepId(2))],
            names: Default::default(),
        };
        assess(&own, &standard, &follows)
    }

    #[test]
    fn a_window_complies_when_never_shorter_than_the_standard_s() {
        assert_eq!(
            windows("20 working days of responded").provisions[0].verdict,
            Verdict::Yes
        );
        // A month is 22 working days in the one model of lengths.
        assert_eq!(
            windows("1 month of responded").provisions[0].verdict,
            Verdict::Yes
        );
        let short = windows("15 working days of responded");
        assert_eq!(short.provisions[0].verdict, Verdict::No);
        assert_eq!(
            short.provisions[0].findings[0].comment,
            "15 working days of responded is shorter than the standard's 20 working days of responded"
        );
    }

    #[test]
    fn a_window_from_the_step_s_entry_is_compared_with_the_latest_the_standard_s_can_close() {
        // The standard's window counts from `responded`, an event of an
        // earlier step: it came before entry, so 20 working days from entry
        // is as long, and 19 is not.
        assert_eq!(
            windows("20 working days of entry").provisions[0].verdict,
            Verdict::Yes
        );
        assert_eq!(
            windows("19 working days of entry").provisions[0].verdict,
            Verdict::No
        );
    }

    #[test]
    fn an_extension_the_standard_does_not_allow_is_not_met() {
        let text = own(
            "10 working days from acknowledge",
            ALL,
            ", different from first",
        )
        .replace(
            "deadline response 20 working days from entry met by decided",
            "deadline response 20 working days from entry, extendable by agreement met by decided",
        );
        let a = run(&text);
        let f = &a.provisions[1].findings[1];
        assert_eq!(f.verdict, Verdict::No);
        assert_eq!(f.comment, "it may be extended; the standard's may not");
    }

    #[test]
    fn a_route_offered_only_under_a_condition_is_narrower_than_one_always_open() {
        let text = own(
            "10 working days from acknowledge",
            ALL,
            ", different from first",
        )
        .replace(
            "route to hos",
            "fact serious: bool\n  route to hos when serious",
        );
        let a = run(&text);
        assert_eq!(a.provisions[4].verdict, Verdict::No);
    }

    /// The procedure with its route to the ombudsman moved into the block
    /// of outcome `outcome` (declared after `closed` if not `closed`).
    fn own_route_after(outcome: &str) -> String {
        let text = own(
            "10 working days from acknowledge",
            ALL,
            ", different from first",
        )
        .replace("  route to hos\n", "");
        let block = format!("outcome {outcome} \"Ends\" {{\n    route to hos\n  }}");
        if outcome == "closed" {
            text.replace("outcome closed \"Closed\"", &block)
        } else {
            text.replace(
                "outcome closed \"Closed\"",
                &format!("outcome closed \"Closed\"\n  {block}"),
            )
        }
    }

    #[test]
    fn a_route_only_after_one_outcome_is_narrower_than_one_whatever_the_outcome() {
        let a = run(&own_route_after("closed"));
        let f = &a.provisions[4].findings[0];
        assert_eq!(f.verdict, Verdict::No, "{f:?}");
        assert_eq!(
            f.comment,
            "only after the outcome closed; the standard's is open whatever the outcome"
        );
        assert_eq!(f.evidence.what, "outcome closed: route to hos");
        assert_eq!(
            f.evidence.item,
            Item::OutcomeRoute {
                outcome: OutcomeId(0),
                route: 0
            }
        );
    }

    #[test]
    fn a_standard_route_after_an_outcome_is_met_by_the_same_outcome_or_any_but_not_another() {
        let standard = STANDARD
            .replace("  route to ombudsman cite \"5\"\n", "")
            .replace(
                "outcome closed \"Closed\"",
                "outcome closed \"Closed\" {\n    route to ombudsman cite \"5\"\n  }",
            );
        let follows = Follows {
            stages: vec![Some(StepId(0)), Some(StepId(1))],
            names: Default::default(),
        };
        let verdict = |own_text: &str| {
            let a = assess(&compile(own_text), &compile(&standard), &follows);
            let p = a.provisions.iter().find(|p| p.provision == "5").cloned();
            p.map(|p| (p.findings[0].requirement.clone(), p.verdict))
        };
        let whatever = own(
            "10 working days from acknowledge",
            ALL,
            ", different from first",
        );
        let wanted = "after outcome closed: route to ombudsman".to_string();
        assert_eq!(verdict(&whatever), Some((wanted.clone(), Verdict::Yes)));
        assert_eq!(
            verdict(&own_route_after("closed")),
            Some((wanted.clone(), Verdict::Yes))
        );
        assert_eq!(
            verdict(&own_route_after("settled")),
            Some((wanted, Verdict::No))
        );
    }
}
