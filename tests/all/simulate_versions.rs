//! `simulate` given a folder holding the versions of one procedure
//! (examples/versions: 1.0 from 2025-01-01, 1.1 from 2026-04-01) uses the
//! version in force on the simulated cases' received dates, says which, and
//! refuses a period that a revision falls in.
//!
//! With no assumptions file, N cases arrive one a working day from
//! `--start` (cases / 250, rounded up, a day). The arrival dates below were
//! counted by hand on a 2026 calendar: 20 cases from Monday 2026-01-05 are
//! received on the 20 weekdays up to Friday 2026-01-30 (no bank holiday
//! between); 10 from Monday 2026-03-30 are received on 30, 31 March and
//! 1, 2, 7, 8, 9, 10, 13, 14 April (Good Friday 2026-04-03 and Easter
//! Monday 2026-04-06 skipped), so up to Tuesday 2026-04-14, across
//! 2026-04-01.

use crate::support::redress;

const FOLDER: &str = "examples/versions";

#[test]
fn a_folder_of_versions_simulates_the_one_in_force_and_says_which() {
    let run = redress(&["simulate", FOLDER, "--cases", "20", "--start", "2026-01-05"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Version 1.0, in force from 2025-01-01"),
        "{}",
        run.stdout
    );
    let run = redress(&[
        "simulate",
        FOLDER,
        "--cases",
        "20",
        "--start",
        "2026-04-01",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["version"], "1.1");
    assert_eq!(json["effective"], "2026-04-01");
}

#[test]
fn a_revision_among_the_simulated_received_dates_is_refused_with_its_date() {
    let run = redress(&["simulate", FOLDER, "--cases", "10", "--start", "2026-03-30"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("from 2026-03-30 to 2026-04-14")
            && run
                .stderr
                .contains("version 1.1 of `versions_demo` takes effect on 2026-04-01")
            && run.stderr.contains("--start 2026-04-01 or later"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_start_before_every_version_names_the_earliest_effective_date() {
    let run = redress(&["simulate", FOLDER, "--cases", "5", "--start", "2024-12-02"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("before every version of `versions_demo`")
            && run.stderr.contains("earliest takes effect on 2025-01-01"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_of_several_procedures_is_refused_naming_them() {
    let run = redress(&["simulate", "examples", "--cases", "5"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("simulate needs the versions of one procedure")
            && run.stderr.contains("versions_demo"),
        "{}",
        run.stderr
    );
}

#[test]
fn one_file_named_keeps_working_whatever_its_effective_date() {
    // 1.1 takes effect after the default start (2026-01-05): a file named
    // on its own is simulated as before, and says its version.
    let run = redress(&[
        "simulate",
        "examples/versions/stage1-2026.proc",
        "--cases",
        "5",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Version 1.1"), "{}", run.stdout);
}
