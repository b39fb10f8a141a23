//! `missed DEADLINE` as a condition (issue 12 §5), as a complainant asking
//! "can I go to the ombudsman yet?" and a handler sending a late final
//! response would see it in `redress run`.

use crate::support::{redress, scratch};

const PROCEDURE: &str = r#"procedure fr "Final response" {
  role handler "Complaint handler"
  body ombudsman ombudsman "The Ombudsman"
  route to ombudsman when missed final_response
  start investigation
  step investigation "Investigation" {
    lead handler
    deadline final_response 8 weeks from received met by final_response_sent
    on final_response_sent when not missed final_response -> answered
    on final_response_sent when missed final_response -> answered_late
  }
  outcome answered final "Final response sent"
  outcome answered_late final "Final response sent late"
}
"#;

/// The procedure and a case received on Monday 2 March 2026 with `more`
/// events after it. Its final response falls due 8 weeks (56 days) later,
/// on Monday 27 April 2026 (worked by hand: 29 days to 31 March, 27 more
/// in April), so it is missed from Tuesday 28 April.
fn files(name: &str, more: &str) -> (String, String) {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).expect("folder");
    let procedure = dir.join("fr.proc");
    std::fs::write(&procedure, PROCEDURE).expect("write");
    let case = dir.join("case.yaml");
    std::fs::write(
        &case,
        format!(
            "procedure: fr\ncase: X\nevents:\n  - {{ on: 2026-03-02, event: received }}\n{more}"
        ),
    )
    .expect("write");
    (procedure.display().to_string(), case.display().to_string())
}

fn run_json(procedure: &str, case: &str, at: &str) -> serde_json::Value {
    let run = redress(&["run", procedure, case, "--at", at, "--format", "json"]);
    assert_eq!(run.code, 0, "{at}: {}{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).expect("json")
}

#[test]
fn a_route_reading_missed_opens_the_day_after_the_due_date() {
    let (procedure, case) = files("missed-guard-route", "");
    for (at, open) in [("2026-04-27", false), ("2026-04-28", true)] {
        let json = run_json(&procedure, &case, at);
        assert_eq!(json["routes"][0]["open"], open, "{at}: {}", json["routes"]);
    }
}

#[test]
fn a_transition_reading_missed_tells_a_late_response_from_one_in_time() {
    for (on, outcome) in [("2026-04-27", "answered"), ("2026-04-28", "answered_late")] {
        let (procedure, case) = files(
            &format!("missed-guard-transition-{on}"),
            &format!("  - {{ on: {on}, event: final_response_sent }}\n"),
        );
        let json = run_json(&procedure, &case, on);
        assert_eq!(json["outcome"]["name"], outcome, "{on}: {json}");
    }
}

#[test]
fn a_met_deadline_is_never_missed() {
    // Met on the due date: the route stays shut, then the case closes.
    let (procedure, case) = files(
        "missed-guard-met",
        "  - { on: 2026-04-27, event: final_response_sent }\n",
    );
    let json = run_json(&procedure, &case, "2026-05-01");
    assert_eq!(json["routes"][0]["open"], false, "{}", json["routes"]);
}

/// The issue's example as two route lines: open once the final response
/// is missed, or for 6 months after the case closes.
const WINDOWED: &str = r#"procedure fr "Final response" {
  role handler "Complaint handler"
  body ombudsman ombudsman "The Ombudsman"
  route to ombudsman when missed final_response
  route to ombudsman when closed within 6 months of closed
  start investigation
  step investigation "Investigation" {
    lead handler
    deadline final_response 8 weeks from received met by final_response_sent
    on final_response_sent -> answered
  }
  outcome answered final "Final response sent"
}
"#;

#[test]
fn a_route_window_from_the_outcome_closes_when_it_ends() {
    let dir = scratch("missed-guard-window");
    std::fs::create_dir_all(&dir).expect("folder");
    let procedure = dir.join("fr.proc");
    std::fs::write(&procedure, WINDOWED).expect("write");
    let case = dir.join("case.yaml");
    // Answered on Friday 10 April 2026; 6 months later is Saturday 10
    // October 2026 (months keep the day of the month; worked by hand).
    std::fs::write(
        &case,
        "procedure: fr\ncase: X\nevents:\n  - { on: 2026-03-02, event: received }\n  - { on: 2026-04-10, event: final_response_sent }\n",
    )
    .expect("write");
    let (procedure, case) = (procedure.display().to_string(), case.display().to_string());
    for (at, state) in [
        ("2026-04-09", "not yet open"),
        ("2026-10-10", "open"),
        ("2026-10-11", "closed"),
    ] {
        let json = run_json(&procedure, &case, at);
        let route = &json["routes"][1];
        assert_eq!(route["state"], state, "{at}: {route}");
        if state != "not yet open" {
            assert_eq!(route["closes"], "2026-10-10", "{at}: {route}");
        }
    }
    // The missed route, meanwhile: not yet open before the due date, with
    // the day it would open and why; closed with the case.
    let json = run_json(&procedure, &case, "2026-04-01");
    assert_eq!(
        json["routes"][0]["opens"], "2026-04-28",
        "{}",
        json["routes"]
    );
    assert!(
        json["routes"][0]["because"]
            .as_str()
            .is_some_and(|b| b.contains("final_response not missed yet (due 2026-04-27)")),
        "{}",
        json["routes"]
    );
    let json = run_json(&procedure, &case, "2026-05-01");
    assert_eq!(json["routes"][0]["state"], "closed", "{}", json["routes"]);
}

#[test]
fn the_human_report_says_when_a_waiting_route_opens_and_why() {
    let (procedure, case) = files("missed-guard-human", "");
    let run = redress(&["run", &procedure, &case, "--at", "2026-04-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("not yet open ombudsman: The Ombudsman (opens 2026-04-28)")
            && run
                .stdout
                .contains("because its condition does not hold; final_response not missed yet (due 2026-04-27)"),
        "{}",
        run.stdout
    );
}

#[test]
fn doc_leaflet_and_diff_say_the_window() {
    let dir = scratch("missed-guard-words");
    std::fs::create_dir_all(&dir).expect("folder");
    let old = dir.join("old.proc");
    let new = dir.join("new.proc");
    std::fs::write(&old, WINDOWED).expect("write");
    std::fs::write(
        &new,
        WINDOWED.replace("within 6 months of closed", "within 12 months of closed"),
    )
    .expect("write");
    let (old, new) = (old.display().to_string(), new.display().to_string());
    let doc = redress(&["doc", &old]);
    assert!(
        doc.stdout
            .contains("open to the complainant after the outcome, for 6 months after the case has its outcome"),
        "{}",
        doc.stdout
    );
    let leaflet = redress(&["doc", "--audience", "complainant", &old]);
    assert!(
        leaflet
            .stdout
            .contains("You can go to the Ombudsman for 6 months after we close your complaint.")
            && leaflet.stdout.contains(
                "You can go to the Ombudsman if we miss our time limit “final_response”."
            ),
        "{}",
        leaflet.stdout
    );
    let diff = redress(&["diff", &old, &new]);
    assert!(
        diff.stdout.contains("within 6 months of closed")
            && diff.stdout.contains("within 12 months of closed"),
        "{}{}",
        diff.stdout,
        diff.stderr
    );
}
