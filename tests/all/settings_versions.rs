//! Settings (an organisation's values for a procedure's `setting`s) and
//! versions chosen by effective date, driven through the binary as a
//! policy owner or a complaints team would.
//!
//! Every fixture in tests/fixtures/settings/ says on its first line the
//! code, line and message it must produce (`# expect: E1302 line 5: …`);
//! each is given to `doc --settings` against examples/settings/settings.proc
//! (E0630, a setting given by a case, is a case fixture in
//! tests/fixtures/cases/).

use crate::support::{file_name, files_in, redress, scratch};

const PROC: &str = "examples/settings/settings.proc";
const NORTHSHIRE: &str = "examples/settings/northshire.settings.yaml";

#[test]
fn each_settings_fixture_is_reported_at_its_line_with_its_message() {
    let mut failures = Vec::new();
    for path in files_in("tests/fixtures/settings", "yaml") {
        let name = file_name(&path);
        let relative = format!("tests/fixtures/settings/{name}");
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let rest = first.strip_prefix("# expect: ").expect("an expect line");
        let (head, message) = rest.split_once(": ").expect("a message");
        let mut words = head.split_whitespace();
        let code = words.next().unwrap();
        let line = words.nth(1).unwrap();
        let run = if name.ends_with(".settings.yaml") {
            redress(&["doc", PROC, "--settings", &relative])
        } else {
            redress(&["run", PROC, &relative, "--at", "2026-12-31"])
        };
        let flat = run
            .stderr
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let place = format!("{relative}:{line}:");
        if run.code != 1
            || !flat.contains(code)
            || !flat.contains(&place)
            || !flat.contains(message)
        {
            failures.push(format!("{name}: exit {}\n{}", run.code, run.stderr));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn doc_prints_the_organisations_values_and_the_defaults_beside_them() {
    let own = redress(&["doc", PROC, "--settings", NORTHSHIRE]);
    assert_eq!(own.code, 0, "{}", own.stderr);
    assert!(own
        .stdout
        .contains("| `escalation_window` | 1 month (the organisation's) | 20 working days |"));
    assert!(own
        .stdout
        .contains("within 15 working days of receiving the complaint"));
    let defaults = redress(&["doc", PROC]);
    assert!(defaults
        .stdout
        .contains("this document shows the procedure's defaults"));
    assert!(defaults
        .stdout
        .contains("within 10 working days of receiving the complaint"));
    // The leaflet says the organisation's time, and no name from the file.
    let leaflet = redress(&[
        "doc",
        PROC,
        "--audience",
        "complainant",
        "--settings",
        NORTHSHIRE,
    ]);
    assert!(
        leaflet.stdout.contains("15 working days"),
        "{}",
        leaflet.stdout
    );
    assert!(
        !leaflet.stdout.contains("stage1_response"),
        "{}",
        leaflet.stdout
    );
}

#[test]
fn the_command_line_settings_win_over_the_file_a_case_names() {
    // Case 02 names Northshire's settings (15 working days from 2 March
    // 2026: 23 March); a file on the command line giving 10 working days
    // wins, so the response is due 16 March (ten working days, no bank
    // holiday in March 2026, counted by hand).
    let dir = scratch("settings-win");
    let own = dir.join("ten.settings.yaml");
    std::fs::write(&own, "settings:\n  stage1_response: 10 working days\n").unwrap();
    let case = "examples/settings/02-organisation-response-time.yaml";
    let named = redress(&["run", PROC, case, "--at", "2026-03-10", "--format", "json"]);
    // The explanation names the setting and the value in force.
    assert!(
        named
            .stdout
            .contains("15 working days (setting stage1_response, from the case's settings file"),
        "{}",
        named.stdout
    );
    assert!(named.stdout.contains("2026-03-23"), "{}", named.stdout);
    let forced = redress(&[
        "run",
        PROC,
        case,
        "--at",
        "2026-03-10",
        "--format",
        "json",
        "--settings",
        own.to_str().unwrap(),
    ]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(forced.stdout.contains("2026-03-16"), "{}", forced.stdout);
    assert!(
        forced
            .stdout
            .contains("10 working days (setting stage1_response, from --settings"),
        "{}",
        forced.stdout
    );
}

#[test]
fn an_explanation_says_a_setting_kept_its_default() {
    // Received Monday 2 March 2026 with no settings file: the default 10
    // working days (no bank holiday in March 2026) end on Monday 16 March,
    // counted by hand.
    let dir = scratch("settings-default");
    let case = dir.join("c.yaml");
    std::fs::write(
        &case,
        "procedure: settings_demo\ncase: SET-D\nevents:\n  - { on: 2026-03-02, event: received }\n",
    )
    .unwrap();
    let run = redress(&["run", PROC, case.to_str().unwrap(), "--at", "2026-03-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "10 working days (setting stage1_response, the procedure's default) (1) → 2026-03-16"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn paths_and_simulate_take_the_organisations_settings() {
    let own = redress(&["paths", PROC, "--settings", NORTHSHIRE]);
    assert_eq!(own.code, 0, "{}", own.stderr);
    assert!(
        !own.stdout.contains("stage1_response"),
        "a setting is not open-ended: {}",
        own.stdout
    );
    let sim = redress(&[
        "simulate",
        PROC,
        "--cases",
        "200",
        "--seed",
        "1",
        "--settings",
        NORTHSHIRE,
    ]);
    assert_eq!(sim.code, 0, "{}", sim.stderr);
    let bad = redress(&[
        "simulate",
        PROC,
        "--cases",
        "10",
        "--settings",
        "tests/fixtures/settings/E1303-mistyped-setting.settings.yaml",
    ]);
    assert_eq!(bad.code, 1);
    assert!(bad.stderr.contains("E1303"));
}

#[test]
fn run_on_a_folder_uses_the_version_in_force_and_says_which() {
    let run = redress(&[
        "run",
        "examples/versions",
        "examples/versions/01-received-before-the-revision.yaml",
        "--at",
        "2026-04-10",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["procedure"]["version"], "1.0");
    let run = redress(&[
        "run",
        "examples/versions",
        "examples/versions/02-received-on-the-revision-day.yaml",
        "--at",
        "2026-04-10",
    ]);
    assert!(run.stdout.contains("versions_demo 1.1"), "{}", run.stdout);
}

#[test]
fn a_case_received_before_every_version_names_the_earliest_effective_date() {
    let dir = scratch("versions-early");
    let case = dir.join("early.yaml");
    std::fs::write(
        &case,
        "procedure: versions_demo\ncase: X\nevents:\n  - { on: 2024-12-02, event: received }\n",
    )
    .unwrap();
    let run = redress(&["run", "examples/versions", case.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("E1110"), "{}", run.stderr);
    assert!(run.stderr.contains("2025-01-01"), "{}", run.stderr);
    let pinned = dir.join("pinned.yaml");
    std::fs::write(
        &pinned,
        "procedure: versions_demo\nversion: \"3.0\"\ncase: X\nevents:\n  - { on: 2026-12-02, event: received }\n",
    )
    .unwrap();
    let run = redress(&["run", "examples/versions", pinned.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("E1111"), "{}", run.stderr);
    assert!(run.stderr.contains("found: 1.0, 1.1"), "{}", run.stderr);
}

#[test]
fn check_refuses_two_versions_taking_effect_the_same_day() {
    let dir = scratch("versions-same-day");
    let old = std::fs::read_to_string("examples/versions/stage1-2026.proc").unwrap();
    std::fs::write(dir.join("a.proc"), &old).unwrap();
    std::fs::write(
        dir.join("b.proc"),
        old.replace("version \"1.1\"", "version \"1.2\""),
    )
    .unwrap();
    let run = redress(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("E0450"), "{}", run.stdout);
    assert!(
        run.stdout.contains("both take effect on 2026-04-01"),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_compares_two_versions_by_id_and_version() {
    let run = redress(&[
        "diff",
        "versions_demo@1.0",
        "versions_demo@1.1",
        "--procedures",
        "examples/versions",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("20 working days → 10 working days"),
        "{}",
        run.stdout
    );
    let missing = redress(&[
        "diff",
        "versions_demo@1.0",
        "versions_demo@9",
        "--procedures",
        "examples/versions",
    ]);
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("found: 1.0, 1.1"),
        "{}",
        missing.stderr
    );
}

#[test]
fn diff_sees_a_changed_setting_default_and_a_changed_closure_period() {
    let dir = scratch("diff-settings");
    let text = std::fs::read_to_string(PROC).unwrap();
    let new = dir.join("new.proc");
    std::fs::write(&new, text.replace("= 20 working days", "= 1 month")).unwrap();
    let run = redress(&["diff", PROC, new.to_str().unwrap()]);
    assert!(
        run.stdout.contains("20 working days → 1 month"),
        "{}",
        run.stdout
    );
    let closures = std::fs::read_to_string("examples/closures/closures.proc").unwrap();
    let moved = dir.join("closures.proc");
    std::fs::write(&moved, closures.replace("2026-05-20", "2026-05-27")).unwrap();
    let run = redress(&[
        "diff",
        "examples/closures/closures.proc",
        moved.to_str().unwrap(),
    ]);
    assert!(
        run.stdout.contains("closed 2026-05-01..2026-05-27"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_assumptions_file_cannot_draw_a_setting() {
    let dir = scratch("settings-assumptions");
    let file = dir.join("a.assumptions.yaml");
    std::fs::write(&file, "facts:\n  offers_meeting: 0.5\n").unwrap();
    let run = redress(&[
        "simulate",
        PROC,
        "--cases",
        "10",
        "--assumptions",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("E0902") && run.stderr.contains("is a setting"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_applies_a_settings_file_only_to_the_procedure_it_names() {
    // Northshire's file names `settings_demo`: the Cafcass cases run as
    // before; case 01, written for the defaults, now fails, since the
    // command line wins over what a case expects.
    let run = redress(&["test", "examples/", "--settings", NORTHSHIRE]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("ok    examples/cafcass/01-resolved-at-step1.yaml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("FAIL  examples/settings/01-default-settings.yaml"),
        "{}",
        run.stdout
    );
    // Every other example still passes: only the one case fails.
    assert!(run.stdout.contains(" passed, 1 failed"), "{}", run.stdout);
}

#[test]
fn a_settings_file_the_case_names_but_that_is_missing_is_shown_at_the_cases_line() {
    let dir = scratch("settings-missing");
    let case = dir.join("case.yaml");
    std::fs::write(
        &case,
        "procedure: settings_demo\ncase: S-9\nsettings: northshire.yaml\nevents:\n  - { on: 2026-03-02, event: received }\n",
    )
    .expect("write case");
    let case = case.to_string_lossy().to_string();
    let run = redress(&["run", "examples/settings/settings.proc", &case]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("E0006"), "{}", run.stderr);
    // Labelled at line 3 of the case file, where the path is given, not
    // at line 1 of a file that does not exist.
    assert!(run.stderr.contains("case.yaml:3:11"), "{}", run.stderr);
    assert!(
        run.stderr.contains("settings file named here"),
        "{}",
        run.stderr
    );
}

#[test]
fn test_and_status_on_one_case_file_find_the_procedure_beside_it() {
    // Named with its folder, a case finds its procedure there, as the
    // folder itself does; before, only `procedures/` was searched and this
    // said "no procedure `versions_demo` was found".
    let case = "examples/versions/02-received-on-the-revision-day.yaml";
    let test = redress(&["test", case]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(
        test.stdout.contains("1 passed, 0 failed"),
        "{}",
        test.stdout
    );
    let status = redress(&["status", case, "--at", "2026-04-10"]);
    assert_eq!(status.code, 0, "{}{}", status.stdout, status.stderr);
    assert!(!status.stderr.contains("no procedure"), "{}", status.stderr);
}
