//! Dates as values in guards, as a policy owner uses them: `received`,
//! `today`, `date of EVENT`, date ± duration, `latest`/`earliest`.

use crate::support::{redress, scratch};

const PROCEDURE: &str = "examples/time-limits/time-limits.proc";

/// A case file in a scratch folder.
fn case(name: &str, text: &str) -> String {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join("case.yaml");
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

#[test]
fn a_guard_on_an_event_that_has_not_happened_is_false_and_says_why() {
    let path = case(
        "time-values-not-acknowledged",
        "procedure: time_limits\ncase: X\nfacts: { incident_date: 2025-11-10, aware_on: 2025-11-10, good_reason: false }\nevents:\n  - { on: 2026-02-02, event: received }\n  - { on: 2026-03-05, event: response_sent }\n",
    );
    let run = redress(&["run", PROCEDURE, &path]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("E0808"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`acknowledge`") && run.stderr.contains("has not happened"),
        "{}",
        run.stderr
    );
}

#[test]
fn twelve_months_keeps_the_day_of_the_month() {
    // Received 2 February 2026. An incident on 1 February 2025 plus 12
    // months is 1 February 2026, before it: out of time; one on 2 February
    // 2025 reaches 2 February 2026, not before it: heard (worked by hand).
    for (incident, outcome) in [("2025-02-01", "out_of_time"), ("2025-02-02", "open")] {
        let expect = if outcome == "open" {
            "status: open".to_string()
        } else {
            format!("status: closed\n  outcome: {outcome}")
        };
        let text = format!(
            "procedure: time_limits\ncase: X\nfacts: {{ incident_date: {incident}, aware_on: {incident}, good_reason: false }}\nevents:\n  - {{ on: 2026-02-02, event: received }}\nexpect:\n  at: 2026-02-02\n  {expect}\n"
        );
        let path = case(&format!("time-values-{incident}"), &text);
        let run = redress(&["test", "--procedures", "examples/time-limits", &path]);
        assert_eq!(run.code, 0, "{incident}: {}{}", run.stdout, run.stderr);
    }
}

#[test]
fn fmt_keeps_date_arithmetic_and_its_precedence() {
    let dir = scratch("time-values-fmt");
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join("p.proc");
    std::fs::write(
        &path,
        "procedure p \"P\" {\n  role r \"R\"\n  fact d: date\n  start s\n  step s \"S\" {\n    lead r\n    reject when (d + 12 months) < (received - 1 year) or earliest(d,today)>=latest(date   of received, d) \"x\" -> o\n    on done -> o\n  }\n  outcome o \"O\"\n}\n",
    )
    .expect("write");
    let run = redress(&["fmt", &path.display().to_string()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("reject when d + 12 months < received - 1 year or earliest(d, today) >= latest(date of received, d) \"x\" -> o"),
        "{text}"
    );
    assert_eq!(redress(&["check", &path.display().to_string()]).code, 0);
}

#[test]
fn a_window_beginning_with_its_anchor_closes_a_day_earlier() {
    // 14 days beginning with Tuesday 3 March 2026 ends on Monday 16 March
    // (3 March is day 1); a request on 17 March is late (worked by hand).
    let path = case(
        "time-values-window-closed",
        "procedure: time_limits\ncase: X\nfacts: { incident_date: 2024-11-10, aware_on: 2025-03-01, good_reason: false }\nevents:\n  - { on: 2026-02-02, event: received }\n  - { on: 2026-02-04, event: acknowledge }\n  - { on: 2026-03-03, event: response_sent }\n  - { on: 2026-03-17, event: review_requested, by: complainant }\n",
    );
    let run = redress(&["run", PROCEDURE, &path]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("2026-03-16"), "{}", run.stderr);
}

#[test]
fn a_deadline_beginning_with_its_anchor_says_so() {
    let run = redress(&[
        "run",
        PROCEDURE,
        "examples/time-limits/02-late-but-good-reason.yaml",
        "--at",
        "2026-02-03",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("8 weeks beginning with received on 2026-02-02 (2) → 2026-03-29"),
        "{}",
        run.stdout
    );
}
