//! Files of many cases (multi-document YAML, JSON Lines) and several cases
//! at once, in `run`, `test` and `diff --cases`.

use crate::support::{redress, scratch};

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

const COUNCIL: &str = "examples/council/council.proc";

/// A council case received on `received` (and acknowledged the next day),
/// as one JSON line.
fn council_line(id: &str, event: &str) -> String {
    format!(
        "{{\"procedure\": \"council\", \"case\": \"{id}\", \"events\": [{{\"on\": \"2026-01-05\", \"event\": \"received\"}}, {{\"on\": \"2026-01-06\", \"event\": \"{event}\"}}]}}\n"
    )
}

#[test]
fn run_takes_several_cases_and_prints_json_as_a_list_in_order() {
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/15-response-overdue.yaml",
        "examples/cafcass/01-resolved-at-step1.yaml",
        "--at",
        "2026-04-02",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    let cases: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["case"].as_str().unwrap())
        .collect();
    assert_eq!(cases, ["CAF-2026-0015", "CAF-2026-0001"]);
    // One case file still prints one report, not a list of one.
    let one = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/15-response-overdue.yaml",
        "--at",
        "2026-04-02",
        "--format",
        "json",
    ]);
    assert_eq!(json(&one.stdout)["case"], "CAF-2026-0015");
}

#[test]
fn run_takes_a_folder_and_reports_the_rest_when_one_case_stops() {
    let run = redress(&["run", COUNCIL, "examples/council", "--at", "2026-06-01"]);
    // 03 is a scenario test of a refused extension: it stops, with its
    // diagnostic, and the other three are reported.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout.matches("Case CNL-2026-").count(),
        3,
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("E0803"), "{}", run.stderr);
}

#[test]
fn a_problem_in_a_json_lines_file_names_the_file_the_case_and_the_line() {
    let dir = scratch("bulk-jsonl-problem");
    let path = dir.join("cases.jsonl");
    let text = council_line("C-1", "acknowledge")
        + "\n"
        + &council_line("C-2", "acknowledg")
        + &council_line("C-3", "acknowledge");
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let run = redress(&["run", COUNCIL, path, "--at", "2026-01-07"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("Case C-").count(), 2, "{}", run.stdout);
    // The blank line counts: C-2 is on line 3.
    assert!(run.stderr.contains("cases.jsonl:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("E0608"), "{}", run.stderr);
    let status = redress(&[
        "status",
        path,
        "--procedures",
        "examples/council",
        "--at",
        "2026-01-07",
        "--format",
        "json",
    ]);
    assert_eq!(status.code, 1);
    let v = json(&status.stdout);
    let stopped = &v["stopped"][0];
    assert_eq!(stopped["case"], "C-2");
    assert_eq!(stopped["line"], 3);
    assert_eq!(stopped["code"], "E0608");
    assert_eq!(v["counts"]["open"], 2);
}

#[test]
fn test_reads_every_case_of_a_multi_document_file_and_reports_junit() {
    let dir = scratch("bulk-test-yaml");
    // Received Monday 5 January 2026, acknowledged Tuesday 6th: the
    // response is due 10 working days after the acknowledgement, Tuesday
    // 20 January (no bank holidays in between). The second case expects
    // the wrong date.
    let case = |id: &str, due: &str| {
        format!(
            "---\nprocedure: council\ncase: {id}\nevents:\n  - {{ on: 2026-01-05, event: received }}\n  - {{ on: 2026-01-06, event: acknowledge }}\nexpect:\n  at: 2026-01-07\n  due: {{ response: {due} }}\n"
        )
    };
    std::fs::write(
        dir.join("team.yaml"),
        case("T-1", "2026-01-20") + &case("T-2", "2026-01-21"),
    )
    .unwrap();
    let folder = dir.to_str().unwrap();
    let human = redress(&["test", folder, "--procedures", "examples/council"]);
    assert_eq!(human.code, 1, "{}", human.stdout);
    assert!(human.stdout.contains("team.yaml:1"), "{}", human.stdout);
    assert!(human.stdout.contains("FAIL"), "{}", human.stdout);
    assert!(
        human.stdout.ends_with("1 passed, 1 failed\n"),
        "{}",
        human.stdout
    );
    let junit = redress(&[
        "test",
        folder,
        "--procedures",
        "examples/council",
        "--format",
        "junit",
    ]);
    assert_eq!(junit.code, 1);
    assert!(junit.stdout.starts_with("<?xml"), "{}", junit.stdout);
    assert_eq!(
        junit.stdout.matches("<testcase ").count(),
        2,
        "{}",
        junit.stdout
    );
    assert_eq!(
        junit.stdout.matches("<failure ").count(),
        1,
        "{}",
        junit.stdout
    );
    assert!(
        junit.stdout.contains("name=\"T-2 (line 10)\""),
        "{}",
        junit.stdout
    );
    let v = json(
        &redress(&[
            "test",
            folder,
            "--procedures",
            "examples/council",
            "--format",
            "json",
        ])
        .stdout,
    );
    assert_eq!(
        (v["passed"].as_u64(), v["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(v["cases"][1]["case"], "T-2");
    assert_eq!(v["cases"][1]["result"], "fail");
    assert!(v["cases"][1]["messages"][0]
        .as_str()
        .is_some_and(|m| m.contains("2026-01-20")));
}

#[test]
fn diff_cases_reads_a_json_lines_file() {
    let dir = scratch("bulk-diff");
    let old = std::fs::read_to_string(COUNCIL).unwrap();
    let new = old.replace(
        "deadline response 10 working days from acknowledge",
        "deadline response 15 working days from acknowledge",
    );
    assert_ne!(old, new);
    std::fs::write(dir.join("new.proc"), new).unwrap();
    std::fs::write(
        dir.join("cases.jsonl"),
        council_line("D-1", "acknowledge") + &council_line("D-2", "acknowledge"),
    )
    .unwrap();
    let run = redress(&[
        "diff",
        COUNCIL,
        dir.join("new.proc").to_str().unwrap(),
        "--cases",
        dir.join("cases.jsonl").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    let paths: Vec<&str> = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 2, "{v:#}");
    assert!(paths[1].ends_with("cases.jsonl:2"), "{paths:?}");
}
