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

#[test]
fn working_days_beginning_with_a_weekend_count_as_from_it() {
    // Beginning with a Saturday (7 February 2026), which is not a working
    // day, counts as from it: 3 working days are Monday 9, Tuesday 10 and
    // Wednesday 11 February. Beginning with Monday 2 February, Monday is
    // day 1: Wednesday 4 February (worked by hand; no bank holiday then).
    let dir = scratch("time-values-weekend");
    std::fs::create_dir_all(&dir).expect("folder");
    let procedure = dir.join("b.proc");
    std::fs::write(
        &procedure,
        "procedure b \"B\" {\n  role r \"R\"\n  start s\n  step s \"S\" {\n    lead r\n    task t within 3 working days beginning with entry\n    on done -> o\n  }\n  outcome o \"O\"\n}\n",
    )
    .expect("write");
    for (received, due) in [("2026-02-07", "2026-02-11"), ("2026-02-02", "2026-02-04")] {
        let path = dir.join(format!("{received}.yaml"));
        std::fs::write(
            &path,
            format!("procedure: b\ncase: X\nevents:\n  - {{ on: {received}, event: received }}\nexpect:\n  at: {received}\n  status: open\n  due: {{ t: {due} }}\n"),
        )
        .expect("write");
        let run = redress(&[
            "test",
            "--procedures",
            &dir.display().to_string(),
            &path.display().to_string(),
        ]);
        assert_eq!(run.code, 0, "{received}: {}{}", run.stdout, run.stderr);
    }
}

#[test]
fn a_deadline_until_a_fact_waits_for_it_and_then_counts_to_it() {
    // 02 gives no agreed response date: the deadline waits for it. 06
    // gives 13 March 2026: due that day.
    let run = redress(&[
        "run",
        PROCEDURE,
        "examples/time-limits/02-late-but-good-reason.yaml",
        "--at",
        "2026-02-03",
    ]);
    assert!(
        run.stdout.contains(
            "until agreed_response_date (not known yet) (2); not known until the case gives the date"
        ),
        "{}",
        run.stdout
    );
    let run = redress(&[
        "run",
        PROCEDURE,
        "examples/time-limits/06-response-date-agreed.yaml",
        "--at",
        "2026-02-03",
    ]);
    assert!(
        run.stdout
            .contains("until agreed_response_date = 2026-03-13 (2) → 2026-03-13"),
        "{}",
        run.stdout
    );
}
