//! What a revision of a procedure changes, in policy terms.
//!
//! Each version is flattened into `path → value` lines in words ("step
//! step1 › deadline response › duration → 20 working days"), from the
//! compiled procedure, so layout and comments never show as changes. Lines
//! only in the old version are removals, only in the new additions, in both
//! with another value changes. A step removed and a step added whose
//! contents mostly agree are reported as a rename.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::ir::{Extension, Procedure, RouteKind, Step, Type};

use crate::check::words;

/// One difference between two versions.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Change {
    /// `added`, `removed`, `changed` or `renamed`.
    pub kind: &'static str,
    /// Where: `["step step1", "deadline response", "duration"]`.
    pub path: Vec<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

type Flat = BTreeMap<Vec<String>, String>;

fn join(labels: &[String]) -> String {
    labels.join(", ")
}

fn type_text(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Date => "date".into(),
        Type::Duration => "duration".into(),
        Type::Text => "text".into(),
        Type::Enum(values) => values.join(" | "),
    }
}

struct Flattener<'a> {
    procedure: &'a Procedure,
    out: Flat,
}

impl Flattener<'_> {
    fn put(&mut self, path: &[&str], value: impl Into<String>) {
        let value = value.into();
        if !value.is_empty() {
            self.out
                .insert(path.iter().map(|s| s.to_string()).collect(), value);
        }
    }

    fn event(&self, id: crate::check::ir::EventId) -> String {
        self.procedure
            .events
            .get(id.index())
            .map_or("?".into(), |e| e.name.clone())
    }

    fn role(&self, id: crate::check::ir::RoleId) -> String {
        self.procedure
            .roles
            .get(id.index())
            .map_or("?".into(), |r| r.name.clone())
    }

    fn procedure(&mut self) {
        let p = self.procedure;
        self.put(&["procedure", "title"], p.title.clone());
        self.put(
            &["procedure", "version"],
            p.version.clone().unwrap_or_default(),
        );
        self.put(
            &["procedure", "effective"],
            p.effective.map(|d| d.to_string()).unwrap_or_default(),
        );
        self.put(
            &["procedure", "source"],
            p.source.clone().unwrap_or_default(),
        );
        let calendar = p.calendar_name().to_string();
        self.put(&["procedure", "calendar"], calendar);
        self.put(
            &["procedure", "start"],
            p.steps
                .get(p.start.index())
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        );
        if let Some(limit) = &p.limit {
            self.put(
                &["procedure", "limit"],
                words::period(p, limit.duration, limit.anchor, limit.beginning, "from"),
            );
        }
        for r in &p.roles {
            let path = format!("role {}", r.name);
            self.put(
                &[&path, "title"],
                r.title.clone().unwrap_or_else(|| "(untitled)".into()),
            );
            if !r.not_also.is_empty() {
                let others: Vec<String> = r.not_also.iter().map(|o| self.role(*o)).collect();
                self.put(&[&path, "not also"], others.join(", "));
            }
            if let Some(panel) = r.panel {
                self.put(&[&path, "members"], panel.size_words());
                if panel.chair {
                    self.put(&[&path, "chair"], "one member chairs".to_string());
                }
            }
        }
        for f in &p.facts {
            let path = format!("fact {}", f.name);
            self.put(&[&path, "type"], type_text(&f.ty));
            if let Some(why) = &f.fixed {
                self.put(&[&path, "fixed"], why.clone());
            }
        }
        for n in &p.notices {
            let path = format!("notice {}", n.name);
            self.put(&[&path, "to"], self.role(n.to));
            self.put(&[&path, "title"], n.title.clone().unwrap_or_default());
            self.put(&[&path, "includes"], n.includes.join(", "));
        }
        for setting in &p.settings {
            if let Some(f) = p.facts.get(setting.fact.index()) {
                let path = format!("setting {}", f.name);
                self.put(
                    &[&path, "default"],
                    super::doc::value_in_words(p, &f.ty, &setting.default),
                );
            }
        }
        for c in &p.calendars {
            for closed in &c.closed {
                let path = format!("calendar {}", c.name);
                let key = match closed.until {
                    Some(until) => format!("closed {}..{until}", closed.date),
                    None => format!("closed {}", closed.date),
                };
                self.put(&[&path, &key], closed.title.clone());
            }
        }
        for b in &p.bodies {
            let path = format!("body {}", b.name);
            self.put(&[&path, "title"], b.title.clone());
        }
        for (i, r) in p.routes.iter().enumerate() {
            self.route(&["procedure".to_string()], i, r);
        }
        for o in p.declared_outcomes() {
            let path = format!("outcome {}", o.name);
            self.put(&[&path, "text"], o.text.clone().unwrap_or_default());
            self.put(&[&path, "final"], o.is_final.to_string());
            self.put(&[&path, "cite"], join(&o.cites));
            // Under the outcome, so that moving a route into an outcome's
            // block reads as the route narrowed to that outcome.
            for (i, r) in o.routes.iter().enumerate() {
                self.route(std::slice::from_ref(&path), i, r);
            }
        }
        for s in &p.steps {
            self.step(s);
        }
        for t in &p.tracks {
            self.track(t);
        }
        for a in &p.anywhere {
            let mut item = format!("anywhere on {}", self.event(a.event));
            if let Some(g) = &a.guard {
                item.push_str(&format!(" when {}", words::guard(p, g, None)));
            }
            self.put(&[&item, "to"], p.outcomes[a.target.index()].name.clone());
            self.put(&[&item, "reason"], a.reason.clone().unwrap_or_default());
            self.put(&[&item, "cite"], join(&a.cites));
        }
    }

    fn route(&mut self, prefix: &[String], _index: usize, r: &crate::check::ir::Route) {
        let p = self.procedure;
        let body = p
            .bodies
            .get(r.body.index())
            .map_or("?".into(), |b| b.name.clone());
        let kind = match r.kind {
            RouteKind::Open => "route to",
            RouteKind::Referral => "refer to",
        };
        let item = format!("{kind} {body}");
        let mut path: Vec<&str> = prefix.iter().map(String::as_str).collect();
        path.push(&item);
        let guard = r
            .guard
            .as_ref()
            .map(|g| words::guard(p, g, None))
            .unwrap_or_else(|| "always".into());
        let mut when = path.clone();
        when.push("when");
        self.put(&when, guard);
        let mut cite = path.clone();
        cite.push("cite");
        if let Some(due) = r.due {
            let mut at = path.clone();
            at.push("due");
            self.put(
                &at,
                match due {
                    crate::check::ir::ReferralDue::Immediately => "immediately".to_string(),
                    crate::check::ir::ReferralDue::Within(d) => {
                        format!("within {}", words::duration(p, d))
                    }
                },
            );
        }
        if let Some(w) = &r.window {
            let mut window = path.clone();
            window.push("window");
            self.put(&window, words::route_window(p, w));
        }
        self.put(&cite, join(&r.cites));
    }

    /// A track: its title, tasks, deadlines and what finishes it, under
    /// `track NAME`.
    fn track(&mut self, t: &crate::check::ir::Track) {
        let p = self.procedure;
        let track = format!("track {}", t.name);
        self.put(&[&track, "title"], t.title.clone().unwrap_or_default());
        self.put(&[&track, "cite"], join(&t.cites));
        for task in &t.tasks {
            let item = format!("task {}", task.name);
            self.put(
                &[&track, &item, "title"],
                task.title.clone().unwrap_or_else(|| task.name.clone()),
            );
            self.put(
                &[&track, &item, "by"],
                task.by.map(|r| self.role(r)).unwrap_or_default(),
            );
            if let Some((d, a)) = task.within {
                self.put(
                    &[&track, &item, "within"],
                    words::period(p, d, a, task.within_beginning, "from"),
                );
            }
            self.put(&[&track, &item, "cite"], join(&task.cites));
        }
        for d in &t.deadlines {
            let item = format!("deadline {}", d.name);
            self.put(&[&track, &item, "duration"], words::duration(p, d.duration));
            self.put(&[&track, &item, "from"], words::anchor(p, d.anchor));
            let met: Vec<String> = d.met_by.iter().map(|e| self.event(*e)).collect();
            self.put(
                &[&track, &item, "met by"],
                if met.is_empty() {
                    "finishing the track".into()
                } else {
                    met.join(", ")
                },
            );
            self.put(&[&track, &item, "cite"], join(&d.cites));
        }
        let done: Vec<String> = t.done_on.iter().map(|e| self.event(*e)).collect();
        self.put(&[&track, "done on"], done.join(", "));
    }

    fn step(&mut self, s: &Step) {
        let p = self.procedure;
        let step = format!("step {}", s.name);
        self.put(&[&step, "title"], s.title.clone().unwrap_or_default());
        self.put(&[&step, "lead"], self.role(s.lead));
        if !s.different_from.is_empty() {
            let steps: Vec<String> = s
                .different_from
                .iter()
                .map(|d| p.steps[d.index()].name.clone())
                .collect();
            self.put(&[&step, "lead different from"], steps.join(", "));
        }
        self.put(&[&step, "cite"], join(&s.cites));
        for t in &s.tasks {
            let item = format!("task {}", t.name);
            self.put(
                &[&step, &item, "title"],
                t.title.clone().unwrap_or_else(|| t.name.clone()),
            );
            self.put(
                &[&step, &item, "when"],
                t.guard
                    .as_ref()
                    .map(|g| words::guard(p, g, None))
                    .unwrap_or_else(|| "always".into()),
            );
            self.put(
                &[&step, &item, "by"],
                t.by.map(|r| self.role(r)).unwrap_or_default(),
            );
            if let Some((d, a)) = t.within {
                self.put(
                    &[&step, &item, "within"],
                    words::period(p, d, a, t.within_beginning, "from"),
                );
            }
            self.put(&[&step, &item, "requires notice"], t.notices.join(", "));
            self.put(&[&step, &item, "cite"], join(&t.cites));
        }
        for d in &s.deadlines {
            let item = format!("deadline {}", d.name);
            self.put(&[&step, &item, "duration"], words::duration(p, d.duration));
            self.put(&[&step, &item, "from"], words::anchor(p, d.anchor));
            if d.beginning {
                self.put(&[&step, &item, "counts"], "beginning with the anchor day");
            }
            let extension = match &d.extension {
                Extension::None => "not extendable".to_string(),
                Extension::ByAgreement => "by agreement".to_string(),
                Extension::UpTo(l) => format!("up to {}", words::duration(p, *l)),
            };
            self.put(&[&step, &item, "extension"], extension);
            let r = &d.extension_rules;
            if let Some(n) = r.at_most {
                self.put(&[&step, &item, "extensions at most"], n.to_string());
            }
            if let Some(g) = r.granted_by {
                self.put(&[&step, &item, "extension granted by"], self.role(g));
            }
            if let Some(t) = r.notice_to {
                self.put(&[&step, &item, "extension notice to"], self.role(t));
            }
            if let Some(a) = r.agreed_by {
                self.put(&[&step, &item, "extension agreed by"], self.role(a));
            }
            if r.after_expiry {
                self.put(&[&step, &item, "extension after expiry"], "allowed");
            }
            if r.soft_cap {
                self.put(
                    &[&step, &item, "extension limit"],
                    "usual, beyond it with a reason",
                );
            }
            if let Some(g) = &d.guard {
                self.put(&[&step, &item, "when"], words::guard(p, g, None));
            }
            if d.soft {
                self.put(&[&step, &item, "soft"], "or as soon as practicable");
            }
            let met: Vec<String> = d.met_by.iter().map(|e| self.event(*e)).collect();
            self.put(
                &[&step, &item, "met by"],
                if met.is_empty() {
                    "leaving the step".into()
                } else {
                    met.join(", ")
                },
            );
            self.put(&[&step, &item, "cite"], join(&d.cites));
        }
        for pause in &s.pauses {
            let item = format!("pause for {}", pause.name);
            self.put(
                &[&step, &item, "agreement of"],
                pause
                    .consent_of
                    .map(|r| self.role(r))
                    .unwrap_or_else(|| "nobody".into()),
            );
            if let Some(g) = &pause.guard {
                self.put(&[&step, &item, "when"], words::guard(p, g, None));
            }
            self.put(&[&step, &item, "cite"], join(&pause.cites));
        }
        // Transitions are keyed by event, numbered when one event has several.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for t in &s.transitions {
            let event = self.event(t.event);
            let count = s.transitions.iter().filter(|x| x.event == t.event).count();
            let n = seen.entry(event.clone()).or_insert(0);
            *n += 1;
            let item = if count > 1 {
                format!("on {event} [{n}]")
            } else {
                format!("on {event}")
            };
            self.put(&[&step, &item, "to"], p.target_name(t.target).to_string());
            self.put(
                &[&step, &item, "when"],
                t.guard
                    .as_ref()
                    .map(|g| words::guard(p, g, Some(t.event)))
                    .unwrap_or_else(|| "always".into()),
            );
            self.put(
                &[&step, &item, "by"],
                t.by.map(|r| {
                    std::iter::once(r)
                        .chain(t.also_by.iter().copied())
                        .map(|r| self.role(r))
                        .collect::<Vec<_>>()
                        .join(" and ")
                })
                .unwrap_or_default(),
            );
            let names = |indices: &[u32]| -> String {
                indices
                    .iter()
                    .filter_map(|i| s.tasks.get(*i as usize).map(|t| t.name.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            self.put(&[&step, &item, "requires"], names(&t.requires));
            self.put(&[&step, &item, "reopens"], names(&t.reopens));
            if !t.starts.is_empty() {
                let tracks: Vec<String> = t
                    .starts
                    .iter()
                    .filter_map(|i| p.tracks.get(*i as usize).map(|t| t.name.clone()))
                    .collect();
                self.put(&[&step, &item, "starts"], tracks.join(", "));
            }
            self.put(&[&step, &item, "requires notice"], t.notices.join(", "));
            self.put(&[&step, &item, "cite"], join(&t.cites));
        }
        for e in &s.escalations {
            let item = format!("escalate on {}", self.event(e.event));
            self.put(
                &[&step, &item, "to"],
                p.steps
                    .get(e.target.index())
                    .map_or("?".into(), |s| s.name.clone()),
            );
            self.put(
                &[&step, &item, "within"],
                words::period(p, e.within, e.anchor, e.beginning, "of"),
            );
            self.put(
                &[&step, &item, "by"],
                e.by.map(|r| self.role(r)).unwrap_or_default(),
            );
            if let Some(g) = &e.guard {
                self.put(&[&step, &item, "when"], words::guard(p, g, None));
            }
            self.put(&[&step, &item, "cite"], join(&e.cites));
        }
        for m in &s.missed_moves {
            let name = s.deadlines.get(m.deadline).map_or("?", |d| d.name.as_str());
            let item = format!("on missed {name}");
            self.put(&[&step, &item, "to"], p.target_name(m.target).to_string());
            self.put(&[&step, &item, "cite"], join(&m.cites));
        }
        for o in &s.otherwise_when {
            let item = format!("otherwise when {}", words::guard(p, &o.guard, None));
            self.put(
                &[&step, &item, "to"],
                o.target
                    .map(|t| p.target_name(t).to_string())
                    .unwrap_or_default(),
            );
            self.put(&[&step, &item, "cite"], join(&o.cites));
        }
        if let Some(o) = &s.otherwise {
            self.put(
                &[&step, "otherwise", "to"],
                p.target_name(o.target).to_string(),
            );
            self.put(&[&step, "otherwise", "cite"], join(&o.cites));
        }
        for (word, list) in [("refuse", &s.refusals), ("reject", &s.rejects)] {
            for r in list.iter() {
                let item = format!("{word} when {}", words::guard(p, &r.guard, None));
                self.put(
                    &[&step, &item, "reason"],
                    r.reason.clone().unwrap_or_default(),
                );
                self.put(
                    &[&step, &item, "to"],
                    r.target
                        .map(|t| p.target_name(t).to_string())
                        .unwrap_or_else(|| "(may come back)".into()),
                );
                if let Some(n) = &r.notice {
                    self.put(&[&step, &item, "requires notice"], n.notices.join(", "));
                    self.put(
                        &[&step, &item, "notice due"],
                        match n.within {
                            None => "the same day".to_string(),
                            Some(d) => format!("within {}", words::duration(p, d)),
                        },
                    );
                }
                self.put(&[&step, &item, "cite"], join(&r.cites));
            }
        }
        for m in &s.entry_moves {
            let item = format!("on entry when {}", words::guard(p, &m.guard, None));
            self.put(
                &[&step, &item, "to"],
                m.target
                    .map(|t| p.target_name(t).to_string())
                    .unwrap_or_default(),
            );
            self.put(
                &[&step, &item, "reason"],
                m.reason.clone().unwrap_or_default(),
            );
            self.put(&[&step, &item, "cite"], join(&m.cites));
        }
        for (i, r) in s.routes.iter().enumerate() {
            self.route(std::slice::from_ref(&step), i, r);
        }
    }
}

fn flatten(procedure: &Procedure) -> Flat {
    let mut f = Flattener {
        procedure,
        out: Flat::new(),
    };
    f.procedure();
    f.out
}

/// The lines under a top-level item (`step x`), without that first part.
fn under(flat: &Flat, top: &str) -> Flat {
    flat.iter()
        .filter(|(k, _)| k.first().map(String::as_str) == Some(top))
        .map(|(k, v)| (k[1..].to_vec(), v.clone()))
        .collect()
}

/// How alike two steps are: the share of their lines that agree.
fn likeness(a: &Flat, b: &Flat) -> f64 {
    let total = a.len().max(b.len());
    if total == 0 {
        return 0.0;
    }
    let same = a.iter().filter(|(k, v)| b.get(*k) == Some(*v)).count();
    same as f64 / total as f64
}

/// The shortest prefix of the item `key` is in (its path without the last
/// part, the field) that `flat` has nothing under.
fn absent_prefix(flat: &Flat, key: &[String]) -> Option<Vec<String>> {
    let item = key.len().saturating_sub(1).max(1);
    (1..=item)
        .map(|n| key[..n].to_vec())
        .find(|prefix| !flat.keys().any(|k| k.starts_with(prefix)))
}

/// Every change from `old` to `new`.
pub fn diff(old: &Procedure, new: &Procedure) -> Vec<Change> {
    let mut old_flat = flatten(old);
    let new_flat = flatten(new);

    // Steps that vanished and appeared with mostly the same content were
    // renamed: compare them under the new name.
    let tops = |flat: &Flat| -> Vec<String> {
        let mut t: Vec<String> = flat
            .keys()
            .filter_map(|k| k.first().cloned())
            .filter(|k| k.starts_with("step "))
            .collect();
        t.dedup();
        t
    };
    let (old_steps, new_steps) = (tops(&old_flat), tops(&new_flat));
    let removed: Vec<&String> = old_steps
        .iter()
        .filter(|s| !new_steps.contains(s))
        .collect();
    let added: Vec<&String> = new_steps
        .iter()
        .filter(|s| !old_steps.contains(s))
        .collect();
    let mut changes = Vec::new();
    let mut renamed_to: Vec<&String> = Vec::new();
    for old_name in removed {
        let old_lines = under(&old_flat, old_name);
        let best = added
            .iter()
            .filter(|n| !renamed_to.contains(n))
            .map(|n| (likeness(&old_lines, &under(&new_flat, n)), *n))
            .filter(|(score, _)| *score >= 0.6)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, new_name)) = best {
            renamed_to.push(new_name);
            changes.push(Change {
                kind: "renamed",
                path: vec![old_name.clone()],
                from: old_name.strip_prefix("step ").map(str::to_string),
                to: new_name.strip_prefix("step ").map(str::to_string),
            });
            let moved: Vec<(Vec<String>, String)> = old_flat
                .iter()
                .filter(|(k, _)| k.first() == Some(old_name))
                .map(|(k, v)| {
                    let mut k = k.clone();
                    k[0] = new_name.clone();
                    (k, v.clone())
                })
                .collect();
            old_flat.retain(|k, _| k.first() != Some(old_name));
            old_flat.extend(moved);
        }
    }

    // A whole step or task added or removed is reported once, not line by
    // line: by the shortest part of its path the other version lacks.
    let mut reported: Vec<Vec<String>> = Vec::new();
    for (k, v) in &old_flat {
        match new_flat.get(k) {
            Some(n) if n == v => {}
            Some(n) => changes.push(Change {
                kind: "changed",
                path: k.clone(),
                from: Some(v.clone()),
                to: Some(n.clone()),
            }),
            None => match absent_prefix(&new_flat, k) {
                Some(prefix) if !reported.contains(&prefix) => {
                    reported.push(prefix.clone());
                    changes.push(Change {
                        kind: "removed",
                        path: prefix,
                        from: None,
                        to: None,
                    });
                }
                Some(_) => {}
                None => changes.push(Change {
                    kind: "removed",
                    path: k.clone(),
                    from: Some(v.clone()),
                    to: None,
                }),
            },
        }
    }
    for (k, v) in &new_flat {
        if old_flat.contains_key(k) {
            continue;
        }
        match absent_prefix(&old_flat, k) {
            Some(prefix) if !reported.contains(&prefix) => {
                reported.push(prefix.clone());
                changes.push(Change {
                    kind: "added",
                    path: prefix,
                    from: None,
                    to: None,
                });
            }
            Some(_) => {}
            None => changes.push(Change {
                kind: "added",
                path: k.clone(),
                from: None,
                to: Some(v.clone()),
            }),
        }
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path).then(a.kind.cmp(b.kind)));
    changes
}

/// `+ a, − b` for a list field.
fn list_change(from: &str, to: &str) -> String {
    let old: Vec<&str> = from.split(", ").filter(|s| !s.is_empty()).collect();
    let new: Vec<&str> = to.split(", ").filter(|s| !s.is_empty()).collect();
    let mut parts: Vec<String> = new
        .iter()
        .filter(|x| !old.contains(x))
        .map(|x| format!("+ {x}"))
        .collect();
    parts.extend(
        old.iter()
            .filter(|x| !new.contains(x))
            .map(|x| format!("− {x}")),
    );
    if parts.is_empty() {
        format!("reordered: {to}")
    } else {
        parts.join(", ")
    }
}

/// The changes for people, grouped by what they are in.
pub fn human(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes to the rules (layout and comments are not compared)\n".to_string();
    }
    let mut out = String::new();
    let mut group: Option<&String> = None;
    for c in changes {
        let top = &c.path[0];
        if group != Some(top) {
            out.push_str(&format!("{top}\n"));
            group = Some(top);
        }
        let rest = c.path[1..].join(" › ");
        let is_list = matches!(
            c.path.last().map(String::as_str),
            Some("requires" | "reopens" | "cite" | "met by")
        );
        let line = match (c.kind, &c.from, &c.to) {
            ("renamed", Some(f), Some(t)) => format!("renamed: {f} → {t}"),
            ("changed", Some(f), Some(t)) if is_list => format!("{rest}: {}", list_change(f, t)),
            ("changed", Some(f), Some(t)) => format!("{rest}: {f} → {t}"),
            ("added", _, Some(t)) => format!("+ {rest}: {t}"),
            ("removed", Some(f), _) => format!("- {rest}: {f}"),
            ("added", _, None) if rest.is_empty() => "+ added".to_string(),
            ("removed", None, _) if rest.is_empty() => "- removed".to_string(),
            ("added", _, None) => format!("+ {rest}"),
            ("removed", None, _) => format!("- {rest}"),
            _ => format!("{} {rest}", c.kind),
        };
        out.push_str(&format!("  {line}\n"));
    }
    out
}

/// What a case's replay says that a revision could change: status, step,
/// outcome, due dates and breaches, as `what → value`.
pub fn case_summary(report: &crate::engine::Report) -> BTreeMap<String, String> {
    let mut summary = BTreeMap::new();
    summary.insert("status".to_string(), report.status.as_str().to_string());
    if let Some(a) = report.active.first() {
        summary.insert("step".to_string(), a.step.clone());
        for d in &a.deadlines {
            if let Some(due) = d.due {
                summary.insert(format!("due.{}", d.name), due.to_string());
            }
        }
    }
    if let Some(o) = &report.outcome {
        summary.insert("outcome".to_string(), format!("{} on {}", o.name, o.on));
    }
    let mut breaches: Vec<String> = report
        .breaches
        .iter()
        .map(|b| format!("{}.{}", b.step, b.deadline))
        .collect();
    breaches.sort();
    summary.insert(
        "breaches".to_string(),
        if breaches.is_empty() {
            "none".into()
        } else {
            breaches.join(", ")
        },
    );
    summary
}
