//! `redress run` and `redress test` as a user runs them.

use crate::support::{redress, redress_in, scratch};

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn run_json_has_the_documented_fields() {
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/03-received-before-christmas.yaml",
        "--at",
        "2027-01-05",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    assert_eq!(v["case"], "CAF-2026-0003");
    assert_eq!(v["procedure"]["id"], "cafcass");
    assert_eq!(v["procedure"]["version"], "2.0");
    assert_eq!(v["as_of"], "2027-01-05");
    assert_eq!(v["status"], "open");
    assert!(v["outcome"].is_null());
    let active = &v["active"][0];
    assert_eq!(active["step"], "step1");
    assert_eq!(active["lead"], "line_manager");
    assert_eq!(active["entered"], "2026-12-18");
    let deadline = &active["deadlines"][0];
    assert_eq!(deadline["name"], "response");
    assert_eq!(deadline["due"], "2027-01-20");
    assert_eq!(deadline["remaining_working_days"], 11);
    assert_eq!(deadline["overdue"], false);
    assert_eq!(deadline["cite"][0], "2.1");
    let explanation = deadline["explanation"].as_str().expect("explanation");
    for words in [
        "2026-12-18",
        "20 working days",
        "Christmas Day",
        "Boxing Day (substitute day)",
        "New Year's Day",
        "2027-01-20",
    ] {
        assert!(explanation.contains(words), "{explanation}");
    }
    let tasks = active["tasks"].as_array().expect("tasks");
    let ack = tasks
        .iter()
        .find(|t| t["name"] == "acknowledge")
        .expect("acknowledge");
    assert_eq!(
        (ack["done"].as_bool(), ack["required"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(
        tasks.iter().all(|t| t["name"] != "offer_advocate"),
        "an adult is not offered one unless asked"
    );
    assert!(active["windows"].as_array().is_some_and(Vec::is_empty));
    let first = &v["timeline"][0];
    for field in ["on", "event", "from", "to", "automatic", "cite"] {
        assert!(first.get(field).is_some(), "timeline lacks {field}");
    }
    assert!(v["breaches"].as_array().is_some_and(Vec::is_empty));
    let route = &v["routes"][0];
    for field in ["body", "open", "cite"] {
        assert!(route.get(field).is_some(), "route lacks {field}");
    }
    let next = v["next"].as_array().expect("next");
    // `response_sent` requires tasks not yet done, so it is not something
    // that may happen next; the tasks are, by whom, each not overdue.
    assert!(
        next.iter().all(|n| n["event"] != "response_sent"),
        "response_sent listed before its required tasks: {next:?}"
    );
    let record = next
        .iter()
        .find(|n| n["event"] == "offer_meeting")
        .expect("offer_meeting next");
    assert_eq!(
        (record["by"].as_str(), record["overdue"].as_bool()),
        (Some("line_manager"), Some(false))
    );
}

#[test]
fn a_window_that_closes_unused_moves_the_case_by_itself() {
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/01-resolved-at-step1.yaml",
        "--at",
        "2026-04-20",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    assert_eq!(v["status"], "closed");
    assert_eq!(v["outcome"]["name"], "resolved_at_step1");
    assert_eq!(
        v["outcome"]["on"], "2026-04-18",
        "the day after the window's last day"
    );
    let last = v["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .expect("timeline");
    assert_eq!(last["automatic"], true);
    assert_eq!(last["to"], "resolved_at_step1");
}

#[test]
fn run_reports_the_state_as_of_a_date_and_in_yaml() {
    // Before the window closes, the case is open with the window showing.
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/01-resolved-at-step1.yaml",
        "--at",
        "2026-04-10",
        "--format",
        "yaml",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_yaml::Value = serde_yaml::from_str(&run.stdout).expect("YAML");
    assert_eq!(v["status"].as_str(), Some("open"));
    assert_eq!(
        v["active"][0]["windows"][0]["closes"].as_str(),
        Some("2026-04-17")
    );
}

#[test]
fn human_run_output_names_the_step_lead_deadlines_and_next_steps() {
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/02-late-step1-response.yaml",
        "--at",
        "2026-04-09",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for words in [
        "Status: open, in step1_considered",
        "led by complainant",
        "Breaches",
        "step1.response: due 2026-03-30, met 2026-04-08",
        "Next",
        "step2_requested by complainant",
    ] {
        assert!(
            run.stdout.contains(words),
            "missing {words:?} in:\n{}",
            run.stdout
        );
    }
}

#[test]
fn redress_test_passes_every_example() {
    let run = redress(&["test", "examples"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let summary = run.stdout.lines().last().unwrap_or_default();
    let passed: usize = summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("count");
    assert!(passed >= 21, "{summary}");
    assert!(summary.ends_with("passed, 0 failed"), "{summary}");
}

#[test]
fn redress_test_reports_what_was_expected_and_what_happened() {
    let dir = scratch("test-failing");
    let text = std::fs::read_to_string(
        crate::support::root().join("examples/cafcass/03-received-before-christmas.yaml"),
    )
    .expect("example")
    .replace("response: 2027-01-20", "response: 2027-01-19");
    std::fs::write(dir.join("wrong.yaml"), text).expect("write");
    let procedures = crate::support::root().join("procedures");
    let run = redress_in(
        &dir,
        &["test", ".", "--procedures", &procedures.to_string_lossy()],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("FAIL  ./wrong.yaml"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("due.response: expected 2027-01-19, got 2027-01-20"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("0 passed, 1 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn run_usage_errors_exit_2() {
    let run = redress(&["run", "procedures/cafcass.proc", "no/such/case.yaml"]);
    assert_eq!(run.code, 2);
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/03-received-before-christmas.yaml",
        "--at",
        "2027-02-30",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("E0701"), "{}", run.stderr);
}

#[test]
fn a_case_against_a_procedure_with_errors_says_so() {
    let dir = scratch("run-broken-procedure");
    std::fs::write(
        dir.join("broken.proc"),
        "procedure x \"X\" { start nowhere }",
    )
    .expect("write");
    let run = redress_in(
        &dir,
        &[
            "run",
            "broken.proc",
            &crate::support::root()
                .join("examples/cafcass/03-received-before-christmas.yaml")
                .to_string_lossy(),
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("the procedure has errors"),
        "{}",
        run.stderr
    );
}

#[test]
fn run_counts_due_dates_in_a_calendar_file() {
    // The office also closes on 29 and 30 December 2026, so the Christmas
    // case's response falls due two working days later.
    let dir = scratch("run-calendar-file");
    let calendar = dir.join("office.yaml");
    std::fs::write(
        &calendar,
        "base: england-and-wales\nclosed:\n  - { date: 2026-12-29, title: Office closure }\n  - { date: 2026-12-30, title: Office closure }\n",
    )
    .expect("write");
    let calendar = calendar.to_string_lossy().into_owned();
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/03-received-before-christmas.yaml",
        "--at",
        "2027-01-05",
        "--calendar-file",
        &calendar,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    assert_eq!(v["calendar"], "office");
    assert_eq!(v["active"][0]["deadlines"][0]["due"], "2027-01-22");
    assert!(v["active"][0]["deadlines"][0]["explanation"]
        .as_str()
        .is_some_and(|e| e.contains("Office closure")));
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/03-received-before-christmas.yaml",
        "--calendar-file",
        "no/such.yaml",
    ]);
    assert_eq!(run.code, 2);
}

/// A scratch folder with the shipped procedures (one of them changed by
/// `edit`) under `procedures/`, and `cases` copied from examples/ under
/// `cases/`.
fn test_folder(name: &str, edit: impl Fn(&str) -> String, cases: &[&str]) -> std::path::PathBuf {
    let dir = scratch(name);
    let root = crate::support::root();
    std::fs::create_dir_all(dir.join("procedures")).expect("folder");
    std::fs::create_dir_all(dir.join("cases")).expect("folder");
    for proc in ["cafcass.proc", "babicm.proc"] {
        let text = std::fs::read_to_string(root.join("procedures").join(proc)).expect("procedure");
        std::fs::write(dir.join("procedures").join(proc), edit(&text)).expect("write");
    }
    for case in cases {
        let from = root.join("examples").join(case);
        let to = dir.join("cases").join(from.file_name().expect("name"));
        std::fs::copy(from, to).expect("copy");
    }
    dir
}

#[test]
fn redress_test_shows_a_procedure_that_does_not_check_and_fails_its_cases() {
    let dir = test_folder(
        "test-broken-procedure",
        |text| text.replacen("lead line_manager", "lead line_manger", 1),
        &[
            "cafcass/01-resolved-at-step1.yaml",
            "cafcass/02-late-step1-response.yaml",
            "babicm/01-registered-member-signposted.yaml",
        ],
    );
    let run = redress_in(&dir, &["test", "cases"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("procedure `cafcass` (procedures/cafcass.proc) has errors"),
        "{}",
        run.stdout
    );
    // The procedure's own diagnostic, at its line, shown once.
    assert_eq!(
        run.stdout.matches("unknown role `line_manger`").count(),
        1,
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("E0202"), "{}", run.stdout);
    assert!(
        run.stdout.contains("procedures/cafcass.proc:64:"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("was found (found: )"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("1 passed, 2 failed"),
        "{}",
        run.stdout
    );
}

#[test]
fn redress_test_fails_when_nothing_was_tested() {
    let dir = test_folder("test-nothing-tested", str::to_string, &[]);
    // A valid case without an `expect:` block.
    let case = std::fs::read_to_string(
        crate::support::root().join("examples/cafcass/01-resolved-at-step1.yaml"),
    )
    .expect("example");
    let without = &case[..case.find("expect:").expect("an expect block")];
    std::fs::write(dir.join("cases/no-expect.yaml"), without).expect("write");
    let run = redress_in(&dir, &["test", "cases"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("skipped 1 file with no `expect:` block"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("0 passed, 0 failed"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("nothing was tested"), "{}", run.stderr);
    let allowed = redress_in(&dir, &["test", "cases", "--allow-empty"]);
    assert_eq!(allowed.code, 0, "{}{}", allowed.stdout, allowed.stderr);
}

// A link to nothing is the one unreadable file a test running as root
// can make.
#[cfg(unix)]
#[test]
fn redress_test_reports_an_unreadable_case_and_goes_on() {
    let dir = test_folder(
        "test-unreadable-case",
        str::to_string,
        &["cafcass/01-resolved-at-step1.yaml"],
    );
    std::fs::write(
        dir.join("cases/a-latin1.yaml"),
        b"procedure: cafcass\ncase: caf\xe9\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("cases/b-broken.yaml")).expect("link");
    let run = redress_in(&dir, &["test", "cases"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("FAIL  cases/a-latin1.yaml"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("E0001"), "{}", run.stdout);
    assert!(
        run.stdout.contains("cases/a-latin1.yaml:2:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("FAIL  cases/b-broken.yaml"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("E0006"), "{}", run.stdout);
    assert!(
        run.stdout.contains("ok    cases/01-resolved-at-step1.yaml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.trim_end().ends_with("1 passed, 2 failed"),
        "{}",
        run.stdout
    );
}
