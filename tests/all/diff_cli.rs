//! `redress diff` between two real revisions: the shipped Cafcass procedure
//! and a copy with a shorter Step 1 deadline and a task removed
//! (tests/fixtures/diff/cafcass-revised.proc).

use crate::support::{redress, root, scratch};

const OLD: &str = "procedures/cafcass.proc";
const NEW: &str = "tests/fixtures/diff/cafcass-revised.proc";

#[test]
fn the_human_diff_matches_its_snapshot() {
    let run = redress(&["diff", OLD, NEW]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = root().join("tests/fixtures/diff/cafcass-revised.diff");
    if std::env::var_os("REDRESS_BLESS").is_some() {
        std::fs::write(&path, &run.stdout).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).expect("snapshot committed");
    assert_eq!(run.stdout, expected);
}

#[test]
fn the_json_diff_names_the_deadline_and_the_removed_task() {
    let run = redress(&["diff", OLD, NEW, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let changes = value["changes"].as_array().expect("changes");
    let find = |path: &[&str]| {
        changes
            .iter()
            .find(|c| {
                c["path"].as_array().is_some_and(|p| {
                    p.iter()
                        .map(|x| x.as_str().unwrap_or_default())
                        .eq(path.iter().copied())
                })
            })
            .unwrap_or_else(|| panic!("no change at {path:?}: {changes:#?}"))
    };
    let duration = find(&["step step1", "deadline response", "duration"]);
    assert_eq!(
        (
            duration["kind"].as_str(),
            duration["from"].as_str(),
            duration["to"].as_str()
        ),
        (
            Some("changed"),
            Some("20 working days"),
            Some("15 working days")
        )
    );
    assert_eq!(
        find(&["step step1", "task establish_impact"])["kind"],
        "removed"
    );
    assert!(value["cases"].is_null(), "no --cases given");
}

#[test]
fn replaying_cases_under_both_versions_lists_the_ones_that_change() {
    let run = redress(&[
        "diff",
        OLD,
        NEW,
        "--cases",
        "examples/cafcass",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let cases = value["cases"].as_array().expect("cases");
    let christmas = cases
        .iter()
        .find(|c| {
            c["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("03-received-before-christmas.yaml"))
        })
        .expect("the Christmas case changes");
    assert_eq!(christmas["differences"][0]["what"], "due.response");
    assert_eq!(christmas["differences"][0]["old"], "2027-01-20");
    assert_eq!(christmas["differences"][0]["new"], "2027-01-13");
    // Cases that record the removed task can no longer be replayed.
    assert!(cases.iter().any(|c| c["differences"][0]["new"]
        .as_str()
        .is_some_and(|n| n.contains("establish_impact"))));
}

#[test]
fn layout_and_comments_are_not_changes_and_renames_are_found() {
    let dir = scratch("diff-layout");
    let original =
        std::fs::read_to_string(root().join("procedures/babicm.proc")).expect("procedure");
    let relaid = original
        .replace("  role ppmg", "\n\n  // a new comment\n      role ppmg")
        .replace("lead complainant", "lead    complainant");
    std::fs::write(dir.join("relaid.proc"), relaid).expect("write");
    let relaid = dir.join("relaid.proc");
    let run = redress(&["diff", "procedures/babicm.proc", &relaid.to_string_lossy()]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with("no changes to the rules"),
        "{}",
        run.stdout
    );

    let renamed = original
        .replace("step member_view ", "step case_manager_view ")
        .replace("-> member_view", "-> case_manager_view");
    std::fs::write(dir.join("renamed.proc"), renamed).expect("write");
    let renamed = dir.join("renamed.proc");
    let run = redress(&["diff", "procedures/babicm.proc", &renamed.to_string_lossy()]);
    assert!(
        run.stdout
            .contains("renamed: member_view → case_manager_view"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("task seek_view"),
        "a renamed step's tasks are not added and removed: {}",
        run.stdout
    );
}
