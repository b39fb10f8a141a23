//! Issue 12 §4–§7: rules of time and routing as a policy owner sees them
//! in `run`, `paths` and `check`.

use crate::support::redress;

const REGULATOR: &str = "examples/regulator/regulator.proc";

#[test]
fn on_entry_sends_a_complex_complaint_straight_on_and_says_why() {
    let run = redress(&[
        "run",
        REGULATOR,
        "examples/regulator/01-complex-straight-to-stage2.yaml",
        "--at",
        "2026-03-03",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("went straight to stage2 because complex complaints go straight to stage 2"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("refused"), "{}", run.stdout);
}

#[test]
fn paths_count_an_on_entry_move_as_a_way_out() {
    let run = redress(&["paths", REGULATOR]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("stage1 -[on entry]-> stage2"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_fact_chooses_which_deadline_a_case_has() {
    let run = redress(&[
        "run",
        REGULATOR,
        "examples/regulator/05-payment-service-15-business-days.yaml",
        "--at",
        "2026-03-03",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("payment_response   due 2026-03-23"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("response           due"),
        "the 8-week limit does not apply to a payment-service complaint: {}",
        run.stdout
    );
}

#[test]
fn a_missed_deadline_moves_the_case_by_itself_the_day_after() {
    let run = redress(&[
        "run",
        REGULATOR,
        "examples/regulator/06-missed-response-goes-to-stage2.yaml",
        "--at",
        "2026-03-25",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("2026-03-24  missed response        stage1 → stage2 (automatic)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("response was due 2026-03-23 and not met"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_response_on_its_due_date_is_not_missed() {
    let dir = crate::support::scratch("missed-on-time");
    let case = dir.join("case.yaml");
    std::fs::write(
        &case,
        "procedure: regulator\ncase: R\nfacts: { complexity: simple, vulnerable: false, payment_service: false }\nevents:\n  - { on: 2026-03-02, event: received }\n  - { on: 2026-03-23, event: response_sent, by: handler }\n",
    )
    .unwrap();
    let run = redress(&[
        "run",
        REGULATOR,
        case.to_str().unwrap(),
        "--at",
        "2026-03-25",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("missed"), "{}", run.stdout);
    assert!(run.stdout.contains("in considering"), "{}", run.stdout);
}

#[test]
fn anywhere_ends_the_case_from_whatever_step_it_is_in() {
    let run = redress(&[
        "run",
        REGULATOR,
        "examples/regulator/07-legal-proceedings-end-the-case.yaml",
        "--at",
        "2026-03-11",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("closed on 2026-03-10: closed_for_legal_action"),
        "{}",
        run.stdout
    );
    let paths = redress(&["paths", REGULATOR]);
    assert!(
        paths
            .stdout
            .contains("stage2 -[legal_proceedings_started]-> closed_for_legal_action"),
        "{}",
        paths.stdout
    );
}

#[test]
fn a_soft_deadline_met_late_with_a_reason_is_not_a_breach() {
    let run = redress(&[
        "run",
        REGULATOR,
        "examples/regulator/08-late-call-with-reason.yaml",
        "--at",
        "2026-04-21",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let report = if json.is_array() { &json[0] } else { &json };
    assert_eq!(
        report["breaches"].as_array().map(Vec::len),
        Some(0),
        "{json}"
    );
    let late = &report["late_with_reason"][0];
    assert_eq!(late["deadline"], "call", "{json}");
    assert_eq!(
        late["reason"], "The complainant was in hospital until 20 April",
        "{json}"
    );
}
