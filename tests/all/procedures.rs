//! The shipped procedures encode their sources: these tests pin the rules
//! the issue names, read from the compiled procedures.

use redress::check::ir::{
    Anchor, DurationSpec, Extension, Procedure, RouteKind, Target, Type, Unit,
};
use redress::compile::compile;

use crate::support::{redress, root};

fn load(name: &str) -> Procedure {
    let path = root().join("procedures").join(name);
    let bytes = std::fs::read(&path).expect("procedure file");
    let compiled = compile(name, &bytes);
    assert!(compiled.problems.is_empty(), "{:?}", compiled.problems);
    compiled.procedure.expect("compiled procedure")
}

fn step<'p>(p: &'p Procedure, name: &str) -> &'p redress::check::ir::Step {
    p.step(p.step_named(name).expect("step exists"))
        .expect("step")
}

fn role(p: &Procedure, id: redress::check::ir::RoleId) -> &str {
    &p.roles[id.index()].name
}

fn fixed(amount: u32, unit: Unit) -> DurationSpec {
    DurationSpec::Fixed { amount, unit }
}

#[test]
fn coverage_json_lists_every_paragraph_of_both_sources_as_cited() {
    let run = redress(&["check", "--coverage", "--format", "json", "procedures"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let procedures = value["procedures"].as_array().expect("procedures");
    let mut ids: Vec<&str> = procedures.iter().filter_map(|p| p["id"].as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["babicm", "cafcass", "housing_ombudsman_2024", "lgsco_2024"]
    );
    for p in procedures {
        assert_eq!(p["uncited"].as_array().map(Vec::len), Some(0), "{p}");
    }
    let cafcass = procedures
        .iter()
        .find(|p| p["id"] == "cafcass")
        .expect("cafcass");
    let cited: Vec<&str> = cafcass["cited"]
        .as_array()
        .expect("cited")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    for label in [
        "2.1", "2.3", "2.4", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2",
        "6.3", "6.4", "7.1", "7.2", "7.4", "7.5", "7.6", "7.7", "8.1", "8.4", "8.6", "8.7",
        "Appendix",
    ] {
        assert!(cited.contains(&label), "Cafcass {label} not cited");
    }
}

#[test]
fn cafcass_step1_is_led_by_the_line_manager_with_20_working_days() {
    let p = load("cafcass.proc");
    assert_eq!(p.id, "cafcass");
    assert_eq!(p.version.as_deref(), Some("2.0"));
    assert_eq!(p.step_named("step1"), Some(p.start));
    let s1 = step(&p, "step1");
    assert_eq!(role(&p, s1.lead), "line_manager");
    let response = &s1.deadlines[0];
    assert_eq!(response.duration, fixed(20, Unit::WorkingDays));
    assert_eq!(response.anchor, Anchor::Entry);
    assert_eq!(response.extension, Extension::ByAgreement);
    assert_eq!(s1.pauses[0].name, "mediation");
    assert_eq!(
        s1.pauses[0].consent_of.map(|r| role(&p, r)),
        Some("complainant")
    );
    // Abusive submissions are turned away but may come back (no target);
    // concluded complaints cannot be reopened (a final outcome).
    assert_eq!(s1.rejects.len(), 2);
    assert!(s1.rejects.iter().any(|r| r.target.is_none()));
    assert!(s1
        .rejects
        .iter()
        .any(|r| matches!(r.target, Some(Target::Outcome(o)) if p.outcomes[o.index()].is_final)));
    let tasks: Vec<&str> = s1.tasks.iter().map(|t| t.name.as_str()).collect();
    for task in [
        "record",
        "acknowledge",
        "offer_meeting",
        "establish_impact",
        "offer_advocate",
        "management_review",
        "action_plan",
    ] {
        assert!(tasks.contains(&task), "{task}");
    }
    let advocate = s1
        .tasks
        .iter()
        .find(|t| t.name == "offer_advocate")
        .expect("advocate task");
    assert!(
        advocate.guard.is_some(),
        "offered to children and young people always, adults on request"
    );
}

#[test]
fn cafcass_step2_runs_25_working_days_extendable_to_65_and_may_be_refused() {
    let p = load("cafcass.proc");
    let s2 = step(&p, "step2");
    assert_eq!(role(&p, s2.lead), "complaints_manager");
    assert_eq!(s2.deadlines[0].duration, fixed(25, Unit::WorkingDays));
    assert_eq!(
        s2.deadlines[0].extension,
        Extension::UpTo(fixed(65, Unit::WorkingDays))
    );
    assert_eq!(
        s2.refusals.len(),
        3,
        "welfare risk, live case, factual dispute for the court"
    );
    assert!(
        s2.tasks
            .iter()
            .any(|t| t.name == "offer_observer" && t.guard.is_none()),
        "always offered"
    );
    // A report sent back stays in Step 2 with the report due again (7.6).
    let rejected = p.event_named("report_rejected").expect("event");
    let sent_back = s2.transitions_on(rejected).next().expect("transition");
    assert_eq!(
        sent_back.target,
        Target::Step(p.step_named("step2").expect("step2"))
    );
    assert_eq!(sent_back.reopens.len(), 1);
    let adjudicated = p.event_named("adjudicated").expect("event");
    assert_eq!(
        p.events[adjudicated.index()].params[0].ty,
        Type::Enum(vec![
            "upheld".into(),
            "partly_upheld".into(),
            "not_upheld".into()
        ])
    );
}

#[test]
fn cafcass_windows_are_three_weeks_and_close_to_an_outcome() {
    let p = load("cafcass.proc");
    for (name, anchor) in [
        ("step1_considered", "response_sent"),
        ("step2_considered", "adjudicated"),
    ] {
        let s = step(&p, name);
        let window = &s.escalations[0];
        assert_eq!(window.within, fixed(3, Unit::Weeks), "{name}");
        assert_eq!(
            window.anchor,
            Anchor::Event(p.event_named(anchor).expect("event")),
            "{name}"
        );
        assert!(
            matches!(
                s.otherwise.as_ref().map(|o| o.target),
                Some(Target::Outcome(_))
            ),
            "{name}"
        );
    }
}

#[test]
fn cafcass_step3_can_return_to_step1_or_step2_and_is_final() {
    let p = load("cafcass.proc");
    let s3 = step(&p, "step3");
    assert_eq!(role(&p, s3.lead), "review_panel");
    let requested = p.event_named("step3_requested").expect("event");
    assert_eq!(s3.deadlines[0].duration, fixed(20, Unit::WorkingDays));
    assert_eq!(s3.deadlines[0].anchor, Anchor::Event(requested));
    let targets: Vec<&str> = s3
        .transitions
        .iter()
        .map(|t| p.target_name(t.target))
        .collect();
    assert!(
        targets.contains(&"step1") && targets.contains(&"step2"),
        "{targets:?}"
    );
    for t in &s3.transitions {
        if let Target::Outcome(o) = t.target {
            assert!(
                p.outcomes[o.index()].is_final,
                "Step 3 is the final point (8.7)"
            );
        }
    }
}

#[test]
fn babicm_waits_for_the_members_own_timescale_given_per_case() {
    let p = load("babicm.proc");
    let s = step(&p, "member_procedure");
    assert_eq!(role(&p, s.lead), "member");
    let DurationSpec::Fact(fact) = s.deadlines[0].duration else {
        panic!("the member's timescale is a duration fact, not a constant");
    };
    assert_eq!(p.facts[fact.index()].name, "member_timescale");
    assert_eq!(p.facts[fact.index()].ty, Type::Duration);
}

#[test]
fn babicm_refers_safeguarding_immediately_and_opens_routes_per_nation() {
    let p = load("babicm.proc");
    let referral = &p.routes[0];
    assert_eq!(referral.kind, RouteKind::Referral);
    assert_eq!(p.bodies[referral.body.index()].name, "safeguarding_team");
    let unresolved = step(&p, "unresolved");
    let bodies: Vec<&str> = unresolved
        .routes
        .iter()
        .map(|r| p.bodies[r.body.index()].name.as_str())
        .collect();
    for body in [
        "cqc",
        "ciw",
        "care_inspectorate",
        "rqia",
        "lgsco",
        "pso_wales",
        "spso",
        "nipso",
        "professional_body",
        "legal_advice",
        "police",
    ] {
        assert!(bodies.contains(&body), "{body}");
    }
    assert!(unresolved
        .routes
        .iter()
        .all(|r| r.guard.is_some() && r.kind == RouteKind::Open));
}

#[test]
fn babicm_hears_only_advanced_members_and_may_withdraw_endorsement() {
    let p = load("babicm.proc");
    let unresolved = step(&p, "unresolved");
    let notice = p.event_named("written_notice").expect("event");
    let targets: Vec<&str> = unresolved
        .transitions_on(notice)
        .map(|t| p.target_name(t.target))
        .collect();
    assert_eq!(targets, ["ppmg_review", "signposted"]);
    assert_eq!(role(&p, step(&p, "ppmg_review").lead), "ppmg");
    let outcomes: Vec<&str> = p.outcomes.iter().map(|o| o.name.as_str()).collect();
    assert!(outcomes.contains(&"endorsement_kept") && outcomes.contains(&"endorsement_withdrawn"));
    let reassessment = step(&p, "reassessment");
    assert!(
        reassessment
            .transitions
            .iter()
            .all(|t| !t.requires.is_empty()),
        "outcome told to both parties"
    );
}
