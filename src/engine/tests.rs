//! The engine tested directly: transitions, windows, anchors, pauses,
//! extensions and lateness, each as a table of cases. Dates are worked by
//! hand over the 2026 England and Wales calendar (no bank holiday falls in
//! February or March 2026; Good Friday is 3 April, Easter Monday 6 April).

use chrono::NaiveDate;

use super::*;
use crate::calendar::Calendar;
use crate::check::ir::{Builtin, Procedure};
use crate::compile::compile_str;

const PROC: &str = r#"
procedure t "Test" {
  calendar england-and-wales
  role officer "Officer"
  role complainant "Complainant"
  fact period: duration "Agreed period"
  start one

  step one "One" {
    lead officer
    task acknowledge "Acknowledge" within 5 working days
    deadline response 10 working days from acknowledge, extendable to 20 working days met by answered
    pause for talks
    on answered requires acknowledge -> considering
  }

  step considering "Considering" {
    lead complainant
    escalate to two on asked by complainant within 10 working days of answered
    escalate to two on asked by complainant within 2 months of received
    otherwise -> done
  }

  step two "Two" {
    lead officer
    task acknowledge "Acknowledge again"
    deadline review period from acknowledge met by reviewed
    on reviewed requires acknowledge -> done
  }

  outcome done "Done"
}
"#;

fn procedure() -> Procedure {
    let compiled = compile_str("t.proc", PROC);
    match compiled.procedure {
        Some(p) => p,
        None => panic!("test procedure does not compile: {:?}", compiled.problems),
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn calendar() -> &'static Calendar {
    Calendar::builtin("england-and-wales").unwrap_or_else(|e| panic!("{e:?}"))
}

/// An event by name on a date; `extended` by a number of working days.
fn event(p: &Procedure, on: &str, name: &str) -> CaseEvent {
    let (name, extension) = match name.strip_prefix("extended+") {
        Some(days) => (
            "extended",
            days.parse()
                .ok()
                .map(|n| ExtensionRequest::By(n, Unit::WorkingDays)),
        ),
        None => (name, None),
    };
    CaseEvent {
        on: date(on),
        event: p
            .event_named(name)
            .unwrap_or_else(|| panic!("no event {name}")),
        by: None,
        data: Vec::new(),
        extension,
        deadline: None,
        pause: None,
        agreed_by: None,
        facts: Vec::new(),
        note: None,
        reason: None,
        people: Vec::new(),
        chair: None,
        also_by: Vec::new(),
        to: None,
        notice: None,
        includes: Vec::new(),
        granted_by: None,
    }
}

fn case(p: &Procedure, events: &[(&str, &str)]) -> Case {
    Case {
        id: "T-1".into(),
        facts: vec![None; p.facts.len()],
        events: events.iter().map(|(on, name)| event(p, on, name)).collect(),
        people: Vec::new(),
    }
}

/// Replays and gives the code and reason of the refusal, if any.
fn refusal(
    p: &Procedure,
    events: &[(&str, &str)],
    at: &str,
) -> Option<(&'static str, &'static str)> {
    replay(p, calendar(), &case(p, events), date(at))
        .err()
        .map(|e| (e.kind.code_str(), e.kind.reason()))
}

/// An event's date and name.
type Dated = (&'static str, &'static str);
/// A refusal's code and reason.
type Refused = (&'static str, &'static str);

const ANSWERED: [(&str, &str); 3] = [
    ("2026-02-02", "received"),
    ("2026-02-03", "acknowledge"),
    ("2026-02-16", "answered"),
];

#[test]
fn builtin_events_have_their_fixed_ids() {
    let p = procedure();
    for b in Builtin::ALL {
        assert_eq!(p.event_named(b.name()), Some(b.id()), "{b:?}");
        assert_eq!(Builtin::of(b.id()), Some(b));
    }
    assert!(p.outcomes[p.withdrawn().index()].builtin);
}

#[test]
fn a_refused_event_leaves_the_session_as_it_was() {
    let p = procedure();
    let cal = calendar();
    let mut session = Session::new(&p, cal, vec![None; p.facts.len()]);
    session
        .apply(&event(&p, "2026-02-02", "received"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let refused = [
        ("2026-02-03", "answered"),   // required task not done (E0802)
        ("2026-02-03", "asked"),      // not a request this step takes
        ("2026-02-03", "resumed"),    // not paused
        ("2026-02-03", "extended+5"), // deadline not started
        ("2026-02-03", "received"),   // a case is received once
    ];
    for (on, name) in refused {
        let before = session.engine.state.clone();
        assert!(
            session.apply(&event(&p, on, name)).is_err(),
            "{name} accepted"
        );
        assert_eq!(session.engine.state, before, "{name} changed the state");
        assert_eq!(
            session.position(),
            Position::InStep {
                step: p.start,
                entered: date("2026-02-02"),
                turned_away: false,
            }
        );
    }
    session
        .apply(&event(&p, "2026-02-03", "acknowledge"))
        .unwrap_or_else(|e| panic!("a valid event after refusals: {e}"));
}

#[test]
fn a_refused_event_after_a_window_closed_does_not_move_the_case() {
    let p = procedure();
    let cal = calendar();
    let mut session = Session::new(&p, cal, vec![None; p.facts.len()]);
    for (on, name) in ANSWERED {
        session
            .apply(&event(&p, on, name))
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let before = session.engine.state.clone();
    // Both windows closed by June (2 months from 2 February is 2 April);
    // `reviewed` is not an event of `considering` nor of the outcome.
    assert!(session.apply(&event(&p, "2026-06-01", "reviewed")).is_err());
    assert_eq!(session.engine.state, before);
    assert_eq!(session.outcome(), None);
}

#[test]
fn a_request_is_in_time_inside_any_open_window() {
    let p = procedure();
    // Window A: 10 working days after Monday 16 February is Monday 2 March.
    // Window B: 2 months after received on 2 February is Thursday 2 April.
    let table = [
        ("2026-02-20", None),                             // inside both
        ("2026-03-02", None),                             // last day of A
        ("2026-03-03", None),                             // only B is open
        ("2026-04-02", None),                             // last day of B
        ("2026-04-03", Some(("E0805", "window_closed"))), // after both
    ];
    for (on, expected) in table {
        let mut events = ANSWERED.to_vec();
        events.push((on, "asked"));
        assert_eq!(refusal(&p, &events, on), expected, "request on {on}");
    }
}

#[test]
fn otherwise_waits_for_the_last_window_to_close() {
    let p = procedure();
    let c = case(&p, &ANSWERED);
    let cal = calendar();
    let open = replay(&p, cal, &c, date("2026-04-02")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(open.active[0].step, "considering");
    let moved = replay(&p, cal, &c, date("2026-04-03")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        moved.outcome.as_ref().map(|o| o.name.as_str()),
        Some("done")
    );
    assert!(moved
        .timeline
        .last()
        .is_some_and(|t| t.automatic && t.on == date("2026-04-03")));
}

#[test]
fn an_anchor_counts_only_within_the_current_visit_of_its_step() {
    let p = procedure();
    let cal = calendar();
    let mut c = case(
        &p,
        &[
            ("2026-02-02", "received"),
            ("2026-02-03", "acknowledge"),
            ("2026-02-16", "answered"),
            ("2026-02-20", "asked"),
        ],
    );
    c.facts[0] = Some(Value::Duration(20, Unit::WorkingDays));
    let report = replay(&p, cal, &c, date("2026-02-23")).unwrap_or_else(|e| panic!("{e:?}"));
    let review = &report.active[0].deadlines[0];
    assert_eq!(
        (review.name.as_str(), review.due),
        ("review", None),
        "{review:?}"
    );
    assert!(
        review.explanation.contains("not started"),
        "{}",
        review.explanation
    );
    // Stage two's own acknowledgement on Tuesday 24 February starts it:
    // 20 working days later is Tuesday 24 March.
    c.events.push(event(&p, "2026-02-24", "acknowledge"));
    let report = replay(&p, cal, &c, date("2026-02-25")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.active[0].deadlines[0].due, Some(date("2026-03-24")));
}

#[test]
fn a_duration_fact_is_needed_only_when_a_rule_reads_it() {
    let p = procedure();
    let cal = calendar();
    let mut c = case(
        &p,
        &[
            ("2026-02-02", "received"),
            ("2026-02-03", "acknowledge"),
            ("2026-02-16", "answered"),
            ("2026-02-20", "asked"),
            ("2026-02-24", "acknowledge"),
        ],
    );
    // Not given at receipt, nor when stage two's clock starts: the due date
    // is not known yet, and nothing is refused.
    let report = replay(&p, cal, &c, date("2026-02-25")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.active[0].deadlines[0].due, None);
    // Agreed at stage two's acknowledgement, given on that event: 10
    // working days from Tuesday 24 February is Tuesday 10 March.
    c.events[4].facts = vec![(
        crate::check::ir::FactId(0),
        Value::Duration(10, Unit::WorkingDays),
    )];
    let report = replay(&p, cal, &c, date("2026-02-25")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.active[0].deadlines[0].due, Some(date("2026-03-10")));
}

#[test]
fn every_extension_and_pause_is_explained_in_order() {
    let p = procedure();
    let cal = calendar();
    let mut c = case(
        &p,
        &[
            ("2026-02-02", "received"),
            ("2026-02-03", "acknowledge"),
            ("2026-02-05", "extended+2"),
            ("2026-02-09", "paused"),
            ("2026-02-11", "resumed"),
            ("2026-02-12", "extended+3"),
        ],
    );
    c.events[2].deadline = Some("response".into());
    // Acknowledged Tuesday 3 February: 10 working days → Tuesday 17 Feb;
    // +2 → Thursday 19; paused Monday 9 to Wednesday 11 (2 working days)
    // → Monday 23; +3 → Thursday 26 February.
    let report = replay(&p, cal, &c, date("2026-02-13")).unwrap_or_else(|e| panic!("{e:?}"));
    let d = &report.active[0].deadlines[0];
    assert_eq!(d.due, Some(date("2026-02-26")));
    let e = &d.explanation;
    let order: Vec<usize> = [
        "→ 2026-02-17",
        "extended on 2026-02-05",
        "→ 2026-02-19",
        "paused 2026-02-09 to 2026-02-11, +2 working days → 2026-02-23",
        "extended on 2026-02-12",
        "→ 2026-02-26",
    ]
    .iter()
    .map(|part| {
        e.find(part)
            .unwrap_or_else(|| panic!("`{part}` missing from: {e}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "out of order: {e}");
}

#[test]
fn extensions_are_refused_for_the_reason_that_applies() {
    let p = procedure();
    let base = [("2026-02-02", "received"), ("2026-02-03", "acknowledge")];
    // Response due Tuesday 17 February; ceiling 20 working days from the
    // acknowledgement: Tuesday 3 March.
    let table: [(&[Dated], Option<Refused>); 4] = [
        (
            &[("2026-02-02", "extended+1")],
            Some(("E0803", "not_started")),
        ),
        (&[("2026-02-10", "extended+5")], None),
        (
            &[("2026-02-10", "extended+11")],
            Some(("E0803", "beyond_ceiling")),
        ),
        (
            &[("2026-02-18", "extended+1")],
            Some(("E0803", "after_due")),
        ),
    ];
    for (extra, expected) in table {
        let events: Vec<(&str, &str)> = if extra[0].0 == "2026-02-02" {
            vec![base[0], extra[0], base[1]]
        } else {
            base.iter().chain(extra).copied().collect()
        };
        assert_eq!(refusal(&p, &events, "2026-02-20"), expected, "{extra:?}");
    }
}

#[test]
fn lateness_is_one_figure_wherever_it_is_shown() {
    let p = procedure();
    let cal = calendar();
    let c = case(
        &p,
        &[("2026-02-02", "received"), ("2026-02-03", "acknowledge")],
    );
    // Due Tuesday 17 February; as of Sunday 1 March it is 8 working days
    // late (18, 19, 20, 23, 24, 25, 26, 27 February; the due day does not
    // count, and the Sunday adds none), the same in the deadline and in the
    // breach: the human report once said "OVERDUE by 9" beside "8 late".
    let report = replay(&p, cal, &c, date("2026-03-01")).unwrap_or_else(|e| panic!("{e:?}"));
    let d = &report.active[0].deadlines[0];
    assert!(d.overdue);
    let breach = report
        .breaches
        .iter()
        .find(|b| b.deadline == "response")
        .unwrap_or_else(|| panic!("no breach: {:?}", report.breaches));
    assert_eq!(breach.late_working_days, 8);
    assert_eq!(d.remaining_working_days, Some(-breach.late_working_days));
    assert_eq!(
        working_days_late(cal, date("2026-02-17"), date("2026-03-02")),
        9,
        "Monday counts"
    );
    assert_eq!(
        working_days_late(cal, date("2026-02-17"), date("2026-02-17")),
        0
    );
}

#[test]
fn after_the_case_closes_no_route_is_open_and_nothing_is_next() {
    let p = procedure();
    let cal = calendar();
    let c = case(
        &p,
        &[("2026-02-02", "received"), ("2026-02-04", "withdrawn")],
    );
    let report = replay(&p, cal, &c, date("2026-02-05")).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        report.outcome.as_ref().map(|o| o.name.as_str()),
        Some("withdrawn")
    );
    assert!(report.next.is_empty());
    assert!(report.routes.iter().all(|r| !r.open));
}

#[test]
fn next_marks_dates_passed_and_leaves_out_events_not_yet_possible() {
    let p = procedure();
    let cal = calendar();
    let c = case(&p, &[("2026-02-02", "received")]);
    // Acknowledgement due 5 working days after Monday 2 February: Monday 9.
    let report = replay(&p, cal, &c, date("2026-02-10")).unwrap_or_else(|e| panic!("{e:?}"));
    let names: Vec<&str> = report.next.iter().map(|n| n.event.as_str()).collect();
    assert_eq!(
        names,
        ["acknowledge"],
        "answered needs the acknowledgement first"
    );
    assert_eq!(report.next[0].until, Some(date("2026-02-09")));
    assert!(report.next[0].overdue);
}

#[test]
fn years_keep_the_day_and_business_days_are_working_days() {
    let p = procedure();
    let cal = calendar();
    let ctx = Ctx {
        procedure: &p,
        calendar: cal,
    };
    // 29 February 2028 + 1 year: 2029 has no 29 February, so the 28th;
    // 15 January 2026 + 2 years is 15 January 2028.
    assert_eq!(
        ctx.add(date("2028-02-29"), 1, Unit::Years).ok(),
        Some(date("2029-02-28"))
    );
    assert_eq!(
        ctx.add(date("2026-01-15"), 2, Unit::Years).ok(),
        Some(date("2028-01-15"))
    );
    let compiled = compile_str(
        "u.proc",
        &PROC.replace(
            "deadline response 10 working days from acknowledge",
            "deadline response 10 business days from acknowledge",
        ),
    );
    let with_business = compiled
        .procedure
        .unwrap_or_else(|| panic!("{:?}", compiled.problems));
    assert_eq!(with_business.steps[0].deadlines, p.steps[0].deadlines);
}

const PANEL_PROC: &str = r#"
procedure t "Test" {
  calendar england-and-wales
  role officer "Officer"
  role panel "Panel", members 2 to 3, chair, not also adviser
  role adviser "Adviser"
  start one

  step one "One" {
    lead officer
    on answered -> two
  }

  step two "Two" {
    lead panel, different from one
    task advise "Advise the panel" by adviser
    on decided -> three
  }

  step three "Three" {
    lead officer, different from two
    on finished -> done
  }

  outcome done "Done"
}
"#;

/// An event of [`PANEL_PROC`]: its date, name, role (`by:`), people
/// (`person:`) and chair.
type Sat = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    Option<&'static str>,
);

/// Panels sit with as many distinct members as declared and their chair
/// among them, and every member is held to `not also` and `different
/// from`, both ways. The case's `people:` names the panel when an event
/// does not, and its chair carries over to an event naming only members.
#[test]
fn panels_sit_as_declared_and_each_member_keeps_the_rules_about_people() {
    let compiled = compile_str("t.proc", PANEL_PROC);
    let Some(p) = compiled.procedure else {
        panic!("panel procedure does not compile: {:?}", compiled.problems);
    };
    let role = |name: &str| {
        RoleId(
            p.roles
                .iter()
                .position(|r| r.name == name)
                .unwrap_or_else(|| panic!("no role {name}")) as u32,
        )
    };
    const START: [Sat; 2] = [
        ("2026-03-02", "received", None, &[], None),
        ("2026-03-03", "answered", None, &["O. Fry"], None),
    ];
    let panel_of_case = |chair: &str| Holder {
        people: vec!["B. Khan".into(), "C. Ode".into()],
        chair: Some(chair.into()),
    };
    #[allow(clippy::type_complexity)]
    let table: Vec<(&str, Vec<(RoleId, Holder)>, Vec<Sat>, Option<Refused>)> = vec![
        (
            "two members and a chair",
            vec![],
            vec![(
                "2026-03-04",
                "decided",
                None,
                &["B. Khan", "C. Ode"],
                Some("B. Khan"),
            )],
            None,
        ),
        (
            "the case's panel, nobody on the event",
            vec![(role("panel"), panel_of_case("C. Ode"))],
            vec![("2026-03-04", "decided", None, &[], None)],
            None,
        ),
        (
            "nobody known",
            vec![],
            vec![("2026-03-04", "decided", None, &[], None)],
            None,
        ),
        (
            "four of at most three",
            vec![],
            vec![(
                "2026-03-04",
                "decided",
                None,
                &["B", "C", "D", "E"],
                Some("B"),
            )],
            Some(("E0830", "too_many_members")),
        ),
        (
            "one of at least two",
            vec![],
            vec![("2026-03-04", "decided", None, &["B"], Some("B"))],
            Some(("E0830", "too_few_members")),
        ),
        (
            "a name twice, within the size",
            vec![],
            vec![("2026-03-04", "decided", None, &["B", "B", "C"], Some("B"))],
            Some(("E0831", "repeated_member")),
        ),
        (
            "no chair",
            vec![],
            vec![("2026-03-04", "decided", None, &["B", "C"], None)],
            Some(("E0832", "no_chair")),
        ),
        (
            "the case's chair did not sit that day",
            vec![(role("panel"), panel_of_case("B. Khan"))],
            vec![("2026-03-04", "decided", None, &["C. Ode", "D. Lee"], None)],
            Some(("E0832", "chair_not_member")),
        ),
        (
            "the adviser then sits on the panel",
            vec![],
            vec![
                ("2026-03-04", "advise", Some("adviser"), &["A. Amis"], None),
                (
                    "2026-03-05",
                    "decided",
                    None,
                    &["A. Amis", "B. Khan"],
                    Some("B. Khan"),
                ),
            ],
            Some(("E0821", "roles_held_together")),
        ),
        (
            "a member of the case's panel then advises it",
            vec![(role("panel"), panel_of_case("B. Khan"))],
            vec![("2026-03-04", "advise", Some("adviser"), &["C. Ode"], None)],
            Some(("E0821", "roles_held_together")),
        ),
        (
            "the stage one officer sits on the panel",
            vec![],
            vec![(
                "2026-03-04",
                "decided",
                None,
                &["O. Fry", "B. Khan"],
                Some("B. Khan"),
            )],
            Some(("E0821", "same_person_as_earlier_lead")),
        ),
        (
            "a member of the panel then leads step three",
            vec![],
            vec![
                (
                    "2026-03-04",
                    "decided",
                    None,
                    &["B. Khan", "C. Ode"],
                    Some("B. Khan"),
                ),
                ("2026-03-05", "finished", None, &["C. Ode"], None),
            ],
            Some(("E0821", "same_person_as_earlier_lead")),
        ),
        (
            "someone else leads step three",
            vec![],
            vec![
                (
                    "2026-03-04",
                    "decided",
                    None,
                    &["B. Khan", "C. Ode"],
                    Some("B. Khan"),
                ),
                ("2026-03-05", "finished", None, &["O. Fry"], None),
            ],
            None,
        ),
        (
            "two people for the officer",
            vec![],
            vec![(
                "2026-03-04",
                "decided",
                Some("officer"),
                &["O. Fry", "B. Khan"],
                None,
            )],
            Some(("E0830", "not_a_panel")),
        ),
        (
            "a chair for the adviser",
            vec![],
            vec![(
                "2026-03-04",
                "advise",
                Some("adviser"),
                &["A. Amis"],
                Some("A. Amis"),
            )],
            Some(("E0832", "no_chair_rule")),
        ),
    ];
    for (name, people, events, expected) in table {
        let events = START
            .iter()
            .chain(&events)
            .map(|(on, event_name, by, who, chair)| CaseEvent {
                by: by.map(role),
                people: who.iter().map(|w| w.to_string()).collect(),
                chair: chair.map(str::to_string),
                ..event(&p, on, event_name)
            })
            .collect();
        let case = Case {
            id: "T-P".into(),
            facts: Vec::new(),
            events,
            people,
        };
        let got = replay(&p, calendar(), &case, date("2026-03-31"))
            .err()
            .map(|e| (e.kind.code_str(), e.kind.reason()));
        assert_eq!(got, expected, "{name}");
    }
}
