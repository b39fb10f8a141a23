//! Routes whose conditions read time, as a complainant asking "can I go to
//! the ombudsman yet?" would see them in `redress run`.

use crate::support::{redress, scratch};

/// A procedure with `routes` (lines at its top), and a case received on
/// Monday 2 March 2026 with `more` events after it.
fn files(name: &str, routes: &str, more: &str) -> (String, String) {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).expect("folder");
    let proc_path = dir.join("p.proc");
    std::fs::write(
        &proc_path,
        format!("procedure p \"P\" {{\n  role officer \"Officer\"\n  body ombudsman ombudsman \"The Ombudsman\"\n{routes}\n  start stage1\n  step stage1 \"Stage 1\" {{\n    lead officer\n    on response_sent -> resolved\n  }}\n  outcome resolved final \"Resolved\"\n}}\n"),
    )
    .expect("write");
    let case_path = dir.join("case.yaml");
    std::fs::write(
        &case_path,
        format!(
            "procedure: p\ncase: X\nevents:\n  - {{ on: 2026-03-02, event: received }}\n{more}"
        ),
    )
    .expect("write");
    (
        proc_path.display().to_string(),
        case_path.display().to_string(),
    )
}

#[test]
fn a_route_reading_today_is_decided_on_the_as_of_date() {
    // Received Monday 2 March 2026; 8 weeks (56 days) later is Monday 27
    // April 2026 (worked by hand: 29 days to 31 March, 27 more in April).
    let (procedure, case) = files(
        "time-routes-today",
        "  route to ombudsman when today >= received + 8 weeks",
        "",
    );
    for (at, open) in [("2026-04-26", false), ("2026-04-27", true)] {
        let run = redress(&["run", &procedure, &case, "--at", at, "--format", "json"]);
        assert_eq!(run.code, 0, "{at}: {}{}", run.stdout, run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let route = &json["routes"][0];
        assert_eq!(route["open"], open, "{at}: {route}");
        if !open {
            assert_eq!(
                route["why_not"], "its condition does not hold",
                "{at}: {route}"
            );
        }
    }
}

/// The routes `run` shows as of `at`, as JSON.
fn routes(procedure: &str, case: &str, at: &str) -> Vec<serde_json::Value> {
    let run = redress(&["run", procedure, case, "--at", at, "--format", "json"]);
    assert_eq!(run.code, 0, "{at}: {}{}", run.stdout, run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    json["routes"].as_array().cloned().unwrap_or_default()
}

#[test]
fn a_route_when_closed_opens_with_the_outcome_and_others_close() {
    let (procedure, case) = files(
        "time-routes-closed",
        "  body regulator regulator \"The Regulator\"\n  route to ombudsman when closed\n  route to regulator",
        "  - { on: 2026-03-10, event: response_sent }\n",
    );
    let before = routes(&procedure, &case, "2026-03-09");
    assert_eq!(before[0]["open"], false, "{before:?}");
    assert_eq!(before[0]["why_not"], "its condition does not hold");
    assert_eq!(before[1]["open"], true, "{before:?}");
    let after = routes(&procedure, &case, "2026-03-10");
    assert_eq!(after[0]["open"], true, "{after:?}");
    assert_eq!(after[1]["open"], false, "{after:?}");
    assert_eq!(after[1]["why_not"], "the case closed on 2026-03-10");
}

#[test]
fn closed_is_kept_by_fmt_and_said_in_doc() {
    let (procedure, _) = files(
        "time-routes-closed-fmt",
        "  route to ombudsman when   closed",
        "",
    );
    let fmt = redress(&["fmt", "--check", &procedure]);
    assert_ne!(fmt.code, 0, "the extra spaces are not canonical");
    let fmt = redress(&["fmt", &procedure]);
    assert_eq!(fmt.code, 0, "{}", fmt.stderr);
    let text = std::fs::read_to_string(&procedure).expect("read");
    assert!(text.contains("route to ombudsman when closed\n"), "{text}");
    let doc = redress(&["doc", &procedure]);
    assert_eq!(doc.code, 0, "{}", doc.stderr);
    assert!(
        doc.stdout
            .contains("open to the complainant after the outcome |"),
        "{}",
        doc.stdout
    );
}

#[test]
fn a_fact_called_closed_is_refused_since_guards_reserve_the_word() {
    let (procedure, _) = files(
        "time-routes-fact-closed",
        "  fact closed: bool \"Closed\"\n  route to ombudsman when closed",
        "",
    );
    let check = redress(&["check", &procedure]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stderr.contains("E0215") && check.stderr.contains("a fact cannot be called `closed`"),
        "{}",
        check.stderr
    );
}

#[test]
fn the_regulator_examples_ombudsman_route_is_not_open_the_day_before_8_weeks() {
    // The case's comment works the date: 8 weeks after 2 March 2026 is 27
    // April 2026, when the example's expect: says the route is open.
    let open = routes(
        "examples/regulator/regulator.proc",
        "examples/regulator/10-ombudsman-after-8-weeks.yaml",
        "2026-04-26",
    );
    assert_eq!(open[0]["body"], "financial_ombudsman", "{open:?}");
    assert_eq!(open[0]["open"], false, "{open:?}");
}

#[test]
fn run_lists_a_route_open_after_the_outcome_and_says_the_others_closed() {
    let (procedure, case) = files(
        "time-routes-closed-human",
        "  body regulator regulator \"The Regulator\"\n  route to ombudsman when closed\n  route to regulator",
        "  - { on: 2026-03-10, event: response_sent }\n",
    );
    let run = redress(&["run", &procedure, &case, "--at", "2026-03-10"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("open      ombudsman"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("(the case has closed: its other routes are no longer open)"),
        "{}",
        run.stdout
    );
}
