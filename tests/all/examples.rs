//! Every example in examples/ is run as a user would run it.

use redress::syntax::ast::{Anchor, Duration, Expr, Extension, RouteKind, TypeExpr, Unit};
use redress::syntax::parse;

use crate::support::{redress, root};

#[test]
fn every_example_procedure_checks_clean_with_deny_warnings() {
    let run = redress(&["check", "examples", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

fn walk(expr: &Expr, seen: &mut Vec<&'static str>) {
    let kind = match expr {
        Expr::Bool { .. } => "bool",
        Expr::Date(_) => "date",
        Expr::Duration { .. } => "duration",
        Expr::Text(_) => "text",
        Expr::Name(_) => "name",
        Expr::Not { operand, .. } => {
            walk(operand, seen);
            "not"
        }
        Expr::Binary { op, lhs, rhs, .. } => {
            walk(lhs, seen);
            walk(rhs, seen);
            op.symbol()
        }
        Expr::In { operand, .. } => {
            walk(operand, seen);
            "in"
        }
        Expr::Shift { date, back, by, .. } => {
            walk(date, seen);
            walk(by, seen);
            if *back {
                "-"
            } else {
                "+"
            }
        }
        Expr::Moment { moment, .. } => moment.word(),
        Expr::DateOf { .. } => "date of",
        Expr::Closed { .. } => "closed",
        Expr::Missed { .. } => "missed",
        Expr::Extreme { latest, dates, .. } => {
            for d in dates {
                walk(d, seen);
            }
            if *latest {
                "latest"
            } else {
                "earliest"
            }
        }
    };
    seen.push(kind);
}

#[test]
fn the_every_construct_example_has_every_construct() {
    let text =
        std::fs::read_to_string(root().join("examples/every-construct.proc")).expect("example");
    let (file, errors) = parse(&text);
    assert!(errors.is_empty());
    let p = file.and_then(|f| f.procedure).expect("procedure");
    assert!(!p.versions.is_empty() && !p.effective.is_empty() && !p.sources.is_empty());
    assert!(!p.calendars.is_empty() && !p.calendar_uses.is_empty() && !p.paragraphs.is_empty());
    assert!(!p.limits.is_empty() && !p.notes.is_empty() && !p.starts.is_empty());
    let types: Vec<&str> = p
        .facts
        .iter()
        .map(|f| match f.ty {
            TypeExpr::Bool(_) => "bool",
            TypeExpr::Date(_) => "date",
            TypeExpr::Duration(_) => "duration",
            TypeExpr::Text(_) => "text",
            TypeExpr::Enum { .. } => "enum",
        })
        .collect();
    for t in ["bool", "date", "duration", "text", "enum"] {
        assert!(types.contains(&t), "fact type {t}");
    }
    assert!(p.facts.iter().any(|f| f.fixed.is_some()), "a fixed fact");
    assert!(p.roles.iter().any(|r| !r.not_also.is_empty()), "not also");
    assert!(
        p.roles
            .iter()
            .any(|r| r.panel.as_ref().is_some_and(|p| p.chair.is_some())),
        "a panel with `members` and `chair`"
    );
    assert!(
        p.steps.iter().any(|s| !s.lead_different.is_empty()),
        "different from"
    );
    assert!(
        p.steps
            .iter()
            .flat_map(|s| &s.transitions)
            .any(|t| !t.also_by.is_empty()),
        "a joint decision"
    );
    assert!(
        p.routes.iter().any(|r| r.due.is_some()),
        "a referral with a due date"
    );
    assert!(
        p.notices.iter().any(|n| !n.includes.is_empty()),
        "a notice with its contents"
    );
    let owing: Vec<_> = p
        .steps
        .iter()
        .flat_map(|s| s.rejects.iter().chain(&s.refusals))
        .filter_map(|r| r.notice.as_ref())
        .collect();
    assert!(
        owing.iter().any(|n| n.within.is_some()) && owing.iter().any(|n| n.within.is_none()),
        "a rejection owing a notice, the same day and within a time"
    );
    assert!(p.bodies.iter().any(|b| b.kind.is_some()));
    assert!(!p.settings.is_empty(), "a setting");
    assert!(
        p.calendars
            .iter()
            .any(|c| c.closed.iter().any(|d| d.until.is_some())),
        "a closure period"
    );
    assert!(p.outcomes.iter().any(|o| o.is_final) && p.outcomes.iter().any(|o| !o.is_final));
    assert!(
        p.outcomes
            .iter()
            .filter_map(|o| o.block.as_ref())
            .any(|b| !b.routes.is_empty() && !b.notes.is_empty()),
        "an outcome with a block of routes and a note"
    );
    assert!(
        p.tracks.iter().any(|t| !t.done_on.is_empty()
            && !t.body.deadlines.is_empty()
            && !t.body.tasks.is_empty()),
        "a track with a task, a deadline and `-> done`"
    );
    assert!(
        p.steps
            .iter()
            .flat_map(|s| &s.transitions)
            .any(|t| !t.starts.is_empty()),
        "a transition that `starts` a track"
    );

    let steps = &p.steps;
    let all_routes: Vec<_> = p
        .routes
        .iter()
        .chain(steps.iter().flat_map(|s| &s.routes))
        .collect();
    assert!(all_routes.iter().any(|r| r.kind == RouteKind::Route));
    assert!(all_routes.iter().any(|r| r.kind == RouteKind::Referral));
    // A route with a window (`within 12 months of closed`).
    assert!(all_routes.iter().any(|r| r.window.is_some()));
    let tasks: Vec<_> = steps.iter().flat_map(|s| &s.tasks).collect();
    assert!(tasks.iter().any(|t| t.guard.is_some()) && tasks.iter().any(|t| t.by.is_some()));
    assert!(
        tasks.iter().any(|t| !t.notices.is_empty()),
        "a task that requires a notice"
    );
    assert!(
        steps
            .iter()
            .flat_map(|s| &s.transitions)
            .any(|t| !t.notices.is_empty()),
        "a transition that requires a notice"
    );
    assert!(tasks
        .iter()
        .any(|t| matches!(t.within, Some((Duration::Fact(_), Some(Anchor::Entry(_)))))));
    let deadlines: Vec<_> = steps.iter().flat_map(|s| &s.deadlines).collect();
    assert!(deadlines
        .iter()
        .any(|d| matches!(d.extension, Some(Extension::ByAgreement(_)))));
    assert!(deadlines
        .iter()
        .any(|d| matches!(d.extension, Some(Extension::UpTo(_)))));
    assert!(deadlines
        .iter()
        .any(|d| matches!(d.anchor, Some(Anchor::Event(_)))));
    assert!(deadlines.iter().any(|d| !d.met_by.is_empty()));
    assert!(
        deadlines.iter().any(|d| d.beginning),
        "a `beginning with` deadline"
    );
    assert!(
        deadlines.iter().any(|d| d.until.is_some()),
        "a deadline `until` a date"
    );
    assert!(
        deadlines
            .iter()
            .any(|d| matches!(d.anchor, Some(Anchor::Date(_)))),
        "a deadline from a date expression"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.escalations.iter().any(|e| e.until.is_some())),
        "a window `until` a date"
    );
    assert!(
        deadlines.iter().any(|d| d.guard.is_some()),
        "deadline … when"
    );
    assert!(
        steps.iter().any(|s| !s.missed_moves.is_empty()),
        "on missed D -> T"
    );
    assert!(!p.anywhere.is_empty(), "anywhere on E -> OUTCOME");
    assert!(
        p.steps
            .iter()
            .flat_map(|s| &s.escalations)
            .any(|e| e.guard.is_some()),
        "escalate … when"
    );
    assert!(
        p.steps
            .iter()
            .flat_map(|s| &s.pauses)
            .any(|x| x.guard.is_some()),
        "pause … when"
    );
    assert!(
        deadlines.iter().any(|d| d.soft),
        "or as soon as practicable"
    );
    for rule in [
        "at most",
        "granted by",
        "with notice",
        "by agreement of",
        "without good reason",
        "even after expiry",
    ] {
        assert!(
            deadlines
                .iter()
                .any(|d| d.extension_rules.iter().any(|r| match r {
                    redress::syntax::ast::ExtensionRule::AtMost { .. } => rule == "at most",
                    redress::syntax::ast::ExtensionRule::GrantedBy(_) => rule == "granted by",
                    redress::syntax::ast::ExtensionRule::WithNotice(_) => rule == "with notice",
                    redress::syntax::ast::ExtensionRule::AgreementOf(_) =>
                        rule == "by agreement of",
                    redress::syntax::ast::ExtensionRule::WithoutGoodReason(_) =>
                        rule == "without good reason",
                    redress::syntax::ast::ExtensionRule::AfterExpiry(_) =>
                        rule == "even after expiry",
                    redress::syntax::ast::ExtensionRule::BeforeExpiry(_) => false,
                })),
            "extension rule {rule}"
        );
    }
    let units: Vec<Unit> = deadlines
        .iter()
        .map(|d| &d.duration)
        .chain(tasks.iter().filter_map(|t| t.within.as_ref().map(|w| &w.0)))
        .chain(
            steps
                .iter()
                .flat_map(|s| s.escalations.iter().map(|e| &e.within)),
        )
        .chain(p.limits.iter().map(|l| &l.duration))
        .filter_map(|d| match d {
            Duration::Literal { unit, .. } => Some(*unit),
            Duration::Fact(_) => None,
        })
        .collect();
    for unit in [Unit::WorkingDays, Unit::Weeks, Unit::Months] {
        assert!(units.contains(&unit), "{unit:?}");
    }
    assert!(steps
        .iter()
        .any(|s| !s.pauses.is_empty() && s.pauses[0].consent_of.is_some()));
    assert!(steps
        .iter()
        .any(|s| !s.escalations.is_empty() && !s.otherwise.is_empty()));
    assert!(
        steps.iter().any(|s| !s.rejects.is_empty()) && steps.iter().any(|s| !s.refusals.is_empty())
    );
    let transitions: Vec<_> = steps.iter().flat_map(|s| &s.transitions).collect();
    assert!(transitions.iter().any(|t| !t.params.is_empty()));
    assert!(transitions
        .iter()
        .any(|t| t.by.is_some() && !t.requires.is_empty()));
    assert!(transitions.iter().any(|t| !t.reopens.is_empty()));
    assert!(steps.iter().any(|s| s.cite.is_some()) && steps.iter().any(|s| !s.notes.is_empty()));

    let mut seen = Vec::new();
    let guards = transitions
        .iter()
        .filter_map(|t| t.guard.as_ref())
        .chain(tasks.iter().filter_map(|t| t.guard.as_ref()))
        .chain(
            steps
                .iter()
                .flat_map(|s| s.rejects.iter().chain(&s.refusals).map(|r| &r.guard)),
        )
        .chain(all_routes.iter().filter_map(|r| r.guard.as_ref()));
    for guard in guards {
        walk(guard, &mut seen);
    }
    for kind in [
        "not", "and", "or", "==", "!=", "<", "<=", ">", "in", "date", "duration", "text", "name",
        "+", "-", "received", "today", "date of", "latest", "earliest", "closed", "missed",
    ] {
        assert!(seen.contains(&kind), "guard form {kind}");
    }
    assert!(
        steps.iter().any(|s| !s.entry_moves.is_empty()),
        "on entry when … -> T"
    );
    assert!(
        steps
            .iter()
            .any(|s| !s.otherwise_when.is_empty() && !s.otherwise.is_empty()),
        "otherwise when … -> T"
    );
}
