//! Checks on the shape of the procedure as a graph of steps: every step
//! reachable from `start`, and an outcome reachable from every step.

use crate::syntax::ast;

use super::ir::{Step, StepId, Target};
use super::{CheckError, Checker};

/// Where a case can go from each step: transitions, escalations,
/// `otherwise`, and the targets of rejections and refusals. Withdrawal is
/// not counted: a procedure must end a case by its own rules.
fn successors(step: &Step) -> Vec<Target> {
    step.transitions
        .iter()
        .map(|t| t.target)
        .chain(step.escalations.iter().map(|e| Target::Step(e.target)))
        .chain(step.otherwise.iter().map(|o| o.target))
        .chain(step.missed_moves.iter().map(|m| m.target))
        .chain(
            step.rejects
                .iter()
                .chain(&step.refusals)
                .chain(&step.entry_moves)
                .chain(&step.otherwise_when)
                .filter_map(|r| r.target),
        )
        .collect()
}

pub(super) fn check_paths(
    checker: &mut Checker<'_>,
    decls: &[&ast::StepDecl],
    steps: &[Step],
    start: Option<StepId>,
) {
    let edges: Vec<Vec<Target>> = steps.iter().map(successors).collect();

    if let Some(start) = start {
        let mut reached = vec![false; steps.len()];
        let mut queue = vec![start.index()];
        while let Some(i) = queue.pop() {
            if i >= reached.len() || reached[i] {
                continue;
            }
            reached[i] = true;
            for target in &edges[i] {
                if let Target::Step(s) = target {
                    queue.push(s.index());
                }
            }
        }
        for (i, step) in decls.iter().enumerate() {
            if !reached.get(i).copied().unwrap_or(true) {
                checker.error(CheckError::UnreachableStep {
                    step: step.name.text.clone(),
                    span: step.name.span.into(),
                });
            }
        }
    }

    // A step can end if it leads to an outcome, or to a step that can end.
    let mut can_end = vec![false; steps.len()];
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..steps.len() {
            if can_end[i] {
                continue;
            }
            let ends = edges[i].iter().any(|t| match t {
                Target::Outcome(_) => true,
                Target::Step(s) => can_end.get(s.index()).copied().unwrap_or(false),
            });
            if ends {
                can_end[i] = true;
                changed = true;
            }
        }
    }
    for (i, step) in decls.iter().enumerate() {
        if !can_end.get(i).copied().unwrap_or(true) {
            checker.error(CheckError::NoWayOut {
                step: step.name.text.clone(),
                span: step.name.span.into(),
            });
        }
    }
}
