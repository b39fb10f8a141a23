//! Diagrams of a procedure: steps (title, lead, deadlines), transitions
//! labelled with their event and guard, escalation windows, refusals, and
//! outcomes as terminal nodes. Mermaid renders in GitHub Markdown; DOT
//! renders with Graphviz.

use crate::check::ir::{Procedure, Step, Target};

use crate::check::words;

/// One edge of the diagram.
struct Edge {
    from: String,
    to: String,
    label: String,
    kind: EdgeKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EdgeKind {
    /// An event moves the case.
    Transition,
    /// A request inside a window.
    Window,
    /// The procedure moves the case by itself (a window closing).
    Automatic,
    /// A step refused or a complaint turned away.
    Refusal,
}

fn node_id(name: &str) -> String {
    // Mermaid and DOT both accept these names, and ours are already made
    // of letters, digits and underscores; a prefix keeps them off keywords
    // such as `end` and `graph`.
    format!("n_{name}")
}

fn target_id(procedure: &Procedure, target: Target) -> String {
    node_id(procedure.target_name(target))
}

fn step_lines(procedure: &Procedure, step: &Step) -> Vec<String> {
    let mut lines = vec![step.title.clone().unwrap_or_else(|| step.name.clone())];
    if let Some(role) = procedure.roles.get(step.lead.index()) {
        let differs: String = step
            .different_from
            .iter()
            .map(|s| format!(", not the lead of {}", procedure.steps[s.index()].name))
            .collect();
        // A panel's size is part of who leads: "review_panel, 3 members,
        // with a chair".
        let panel = role
            .panel
            .map(|p| {
                format!(
                    ", {}{}",
                    p.size_words().trim_start_matches("exactly "),
                    if p.chair { " with a chair" } else { "" }
                )
            })
            .unwrap_or_default();
        lines.push(format!("lead: {}{panel}{differs}", role.name));
    }
    for d in &step.deadlines {
        let when = d
            .guard
            .as_ref()
            .map(|g| format!(" when {}", words::guard(procedure, g, None)))
            .unwrap_or_default();
        let length = if crate::check::ir::is_until(d.duration, d.anchor) {
            words::period(procedure, d.duration, d.anchor, d.beginning, "from")
        } else {
            words::duration(procedure, d.duration)
        };
        lines.push(format!("{}: {length}{when}", d.name));
    }
    lines
}

fn edges(procedure: &Procedure) -> Vec<Edge> {
    let mut edges = Vec::new();
    for step in &procedure.steps {
        let from = node_id(&step.name);
        // `anywhere`: an edge from every step without a rule of its own.
        for a in &procedure.anywhere {
            if step.transitions_on(a.event).next().is_some() {
                continue;
            }
            edges.push(Edge {
                from: from.clone(),
                to: target_id(procedure, Target::Outcome(a.target)),
                label: format!(
                    "anywhere: {}",
                    procedure
                        .events
                        .get(a.event.index())
                        .map_or("?", |e| e.name.as_str())
                ),
                kind: EdgeKind::Transition,
            });
        }
        for t in &step.transitions {
            let event = procedure
                .events
                .get(t.event.index())
                .map_or("?", |e| e.name.as_str());
            let label = match &t.guard {
                Some(g) => format!("{event} when {}", words::guard(procedure, g, Some(t.event))),
                None => event.to_string(),
            };
            // A joint decision is a condition on the move: say whose.
            let label = match (t.by, t.also_by.is_empty()) {
                (Some(first), false) => {
                    let all: Vec<&str> = std::iter::once(first)
                        .chain(t.also_by.iter().copied())
                        .map(|r| procedure.roles[r.index()].name.as_str())
                        .collect();
                    format!("{label} (by {})", all.join(" and "))
                }
                _ => label,
            };
            edges.push(Edge {
                from: from.clone(),
                to: target_id(procedure, t.target),
                label,
                kind: EdgeKind::Transition,
            });
        }
        for e in &step.escalations {
            let event = procedure
                .events
                .get(e.event.index())
                .map_or("?", |e| e.name.as_str());
            let when = e
                .guard
                .as_ref()
                .map(|g| format!(" when {}", words::guard(procedure, g, None)))
                .unwrap_or_default();
            edges.push(Edge {
                from: from.clone(),
                to: node_id(
                    procedure
                        .steps
                        .get(e.target.index())
                        .map_or("?", |s| s.name.as_str()),
                ),
                label: if crate::check::ir::is_until(e.within, e.anchor) {
                    format!(
                        "{event} {}",
                        words::period(procedure, e.within, e.anchor, e.beginning, "of")
                    )
                } else {
                    format!(
                        "{event} within {}",
                        words::period(procedure, e.within, e.anchor, e.beginning, "of")
                    )
                } + &when,
                kind: EdgeKind::Window,
            });
        }
        for m in &step.missed_moves {
            let name = step
                .deadlines
                .get(m.deadline)
                .map_or("?", |d| d.name.as_str());
            edges.push(Edge {
                from: from.clone(),
                to: target_id(procedure, m.target),
                label: format!("missed {name}"),
                kind: EdgeKind::Automatic,
            });
        }
        for o in &step.otherwise_when {
            if let Some(target) = o.target {
                edges.push(Edge {
                    from: from.clone(),
                    to: target_id(procedure, target),
                    label: format!(
                        "window closed when {}",
                        words::guard(procedure, &o.guard, None)
                    ),
                    kind: EdgeKind::Automatic,
                });
            }
        }
        if let Some(o) = &step.otherwise {
            edges.push(Edge {
                from: from.clone(),
                to: target_id(procedure, o.target),
                label: "window closed".into(),
                kind: EdgeKind::Automatic,
            });
        }
        for (word, list) in [("refused", &step.refusals), ("rejected", &step.rejects)] {
            for r in list.iter() {
                if let Some(target) = r.target {
                    // The letter that explains it, which the case still
                    // owes at the target.
                    let notice = r
                        .notice
                        .as_ref()
                        .map(|n| format!(", notice {}", n.notices.join(", ")))
                        .unwrap_or_default();
                    edges.push(Edge {
                        from: from.clone(),
                        to: target_id(procedure, target),
                        label: format!(
                            "{word} when {}{notice}",
                            words::guard(procedure, &r.guard, None)
                        ),
                        kind: EdgeKind::Refusal,
                    });
                }
            }
        }
        for m in &step.entry_moves {
            if let Some(target) = m.target {
                edges.push(Edge {
                    from: from.clone(),
                    to: target_id(procedure, target),
                    label: format!("on entry when {}", words::guard(procedure, &m.guard, None)),
                    kind: EdgeKind::Automatic,
                });
            }
        }
    }
    edges
}

fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// A Mermaid flowchart.
pub fn mermaid(procedure: &Procedure) -> String {
    let mut out = String::from("flowchart TD\n");
    out.push_str("  start((start))\n");
    for step in &procedure.steps {
        let lines: Vec<String> = step_lines(procedure, step)
            .iter()
            .map(|l| mermaid_text(l))
            .collect();
        out.push_str(&format!(
            "  {}[\"{}\"]\n",
            node_id(&step.name),
            lines.join("<br/>")
        ));
    }
    for outcome in procedure.declared_outcomes() {
        let mut label = mermaid_text(&outcome.name);
        if outcome.is_final {
            label.push_str(" (final)");
        }
        out.push_str(&format!("  {}([\"{label}\"])\n", node_id(&outcome.name)));
    }
    if let Some(start) = procedure.steps.get(procedure.start.index()) {
        out.push_str(&format!("  start --> {}\n", node_id(&start.name)));
    }
    for edge in edges(procedure) {
        let arrow = match edge.kind {
            EdgeKind::Transition => "-->",
            EdgeKind::Window => "-.->",
            EdgeKind::Automatic => "==>",
            EdgeKind::Refusal => "-.->",
        };
        out.push_str(&format!(
            "  {} {arrow}|\"{}\"| {}\n",
            edge.from,
            mermaid_text(&edge.label),
            edge.to
        ));
    }
    out.push_str(&mermaid_tracks(procedure));
    let outcomes: Vec<String> = procedure
        .declared_outcomes()
        .map(|o| node_id(&o.name))
        .collect();
    if !outcomes.is_empty() {
        out.push_str("  classDef outcome fill:#eef6ee,stroke:#2e7d32\n");
        out.push_str(&format!("  class {} outcome\n", outcomes.join(",")));
    }
    out
}

fn dot_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A Graphviz DOT digraph.
pub fn dot(procedure: &Procedure) -> String {
    let mut out = format!("digraph \"{}\" {{\n", dot_text(&procedure.id));
    out.push_str("  rankdir=TB;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("  start [shape=circle, label=\"start\"];\n");
    for step in &procedure.steps {
        let lines: Vec<String> = step_lines(procedure, step)
            .iter()
            .map(|l| dot_text(l))
            .collect();
        out.push_str(&format!(
            "  {} [label=\"{}\"];\n",
            node_id(&step.name),
            lines.join("\\n")
        ));
    }
    for outcome in procedure.declared_outcomes() {
        let peripheries = if outcome.is_final { 2 } else { 1 };
        out.push_str(&format!(
            "  {} [shape=ellipse, peripheries={peripheries}, label=\"{}\"];\n",
            node_id(&outcome.name),
            dot_text(&outcome.name)
        ));
    }
    if let Some(start) = procedure.steps.get(procedure.start.index()) {
        out.push_str(&format!("  start -> {};\n", node_id(&start.name)));
    }
    for edge in edges(procedure) {
        let style = match edge.kind {
            EdgeKind::Transition => "",
            EdgeKind::Window => ", style=dashed",
            EdgeKind::Automatic => ", style=bold",
            EdgeKind::Refusal => ", style=dotted",
        };
        out.push_str(&format!(
            "  {} -> {} [label=\"{}\"{style}];\n",
            edge.from,
            edge.to,
            dot_text(&edge.label)
        ));
    }
    out.push_str(&dot_tracks(procedure));
    out.push_str("}\n");
    out
}

/// A track's node id: apart from steps' and outcomes' (`n_…`).
fn track_id(name: &str) -> String {
    format!("t_{}", node_id(name))
}

/// What a track's box says: its title, tasks, deadlines and what ends it.
fn track_lines(procedure: &Procedure, track: &crate::check::ir::Track) -> Vec<String> {
    let mut lines = vec![format!(
        "track: {}",
        track.title.clone().unwrap_or_else(|| track.name.clone())
    )];
    for t in &track.tasks {
        match t.within {
            Some((d, _)) => lines.push(format!(
                "task {} within {}",
                t.name,
                crate::check::words::duration(procedure, d)
            )),
            None => lines.push(format!("task {}", t.name)),
        }
    }
    for d in &track.deadlines {
        lines.push(format!(
            "{}: {}",
            d.name,
            crate::check::words::duration(procedure, d.duration)
        ));
    }
    let done: Vec<&str> = track
        .done_on
        .iter()
        .map(|e| procedure.events[e.index()].name.as_str())
        .collect();
    lines.push(format!("done on {}", done.join(", ")));
    lines
}

/// Each transition that starts a track: (from step, event, track index).
fn starts(procedure: &Procedure) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for step in &procedure.steps {
        for t in &step.transitions {
            for track in &t.starts {
                out.push((
                    node_id(&step.name),
                    procedure.events[t.event.index()].name.clone(),
                    *track as usize,
                ));
            }
        }
    }
    out
}

/// Tracks as subgraphs beside the steps, `starts` as dashed edges.
fn mermaid_tracks(procedure: &Procedure) -> String {
    let mut out = String::new();
    for track in &procedure.tracks {
        let id = track_id(&track.name);
        let lines: Vec<String> = track_lines(procedure, track)
            .iter()
            .map(|l| mermaid_text(l))
            .collect();
        out.push_str(&format!(
            "  subgraph {id}_track[\"{}\"]\n    {id}[\"{}\"]\n  end\n",
            mermaid_text(&format!("track {}", track.name)),
            lines.join("<br/>")
        ));
    }
    for (from, event, track) in starts(procedure) {
        out.push_str(&format!(
            "  {from} -.->|\"{} starts\"| {}\n",
            mermaid_text(&event),
            track_id(&procedure.tracks[track].name)
        ));
    }
    out
}

fn dot_tracks(procedure: &Procedure) -> String {
    let mut out = String::new();
    for track in &procedure.tracks {
        let id = track_id(&track.name);
        let lines: Vec<String> = track_lines(procedure, track)
            .iter()
            .map(|l| dot_text(l))
            .collect();
        out.push_str(&format!(
            "  subgraph cluster_{id} {{\n    label=\"{}\";\n    style=dashed;\n    {id} [label=\"{}\"];\n  }}\n",
            dot_text(&format!("track {}", track.name)),
            lines.join("\\n")
        ));
    }
    for (from, event, track) in starts(procedure) {
        out.push_str(&format!(
            "  {from} -> {} [label=\"{} starts\", style=dashed];\n",
            track_id(&procedure.tracks[track].name),
            dot_text(&event)
        ));
    }
    out
}
