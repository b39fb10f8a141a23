//! `simulate` given a folder holding the versions of one procedure
//! (examples/versions: 1.0 from 2025-01-01, stage 1 in twenty working
//! days; 1.1 from 2026-04-01, in ten) simulates each case with the version
//! in force on the day it is received, says which versions were used and
//! for how many cases, and gives each version's figures beside the whole.
//!
//! With no `arrivals` assumption, N cases arrive from `--start`, N / 250
//! (rounded up) each working day. The received dates below were counted
//! with a short Python script over the England and Wales bank holidays
//! (2025-12-25, 2025-12-26, 2026-01-01, Good Friday 2026-04-03, Easter
//! Monday 2026-04-06, 2026-05-04, 2026-05-25), and the first by hand:
//! - 40 cases from Monday 2026-03-02, one a day: the 22 weekdays of March
//!   from the 2nd to Tuesday the 31st under 1.0; then 1, 2, 7–10, 13–17,
//!   20–24, 27 and 28 April, 18 cases, under 1.1, the last on Tuesday
//!   2026-04-28.
//! - 20,000 cases from Monday 2025-11-03, 80 a day: 250 working days, of
//!   which the 104 before 2026-04-01 take 8,320 cases under 1.0 and the
//!   rest 11,680 under 1.1.

use crate::support::{redress, redress_in, scratch};

const FOLDER: &str = "examples/versions";

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = redress(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

fn breach<'a>(figures: &'a serde_json::Value, step: &str) -> &'a serde_json::Value {
    figures["breaches"]
        .as_array()
        .expect("breaches")
        .iter()
        .find(|b| b["step"] == step)
        .unwrap_or_else(|| panic!("no breaches of {step} in {figures}"))
}

#[test]
fn a_folder_of_versions_simulates_the_one_in_force_and_says_which() {
    let run = redress(&["simulate", FOLDER, "--cases", "20", "--start", "2026-01-05"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Version 1.0, in force from 2025-01-01"),
        "{}",
        run.stdout
    );
    let v = json(&[FOLDER, "--cases", "20", "--start", "2026-04-01"]);
    assert_eq!(v["version"], "1.1");
    assert_eq!(v["effective"], "2026-04-01");
    // Every case under one version: no figures by version.
    assert!(v.get("versions").is_none(), "{v}");
}

#[test]
fn cases_received_either_side_of_a_revision_use_the_version_then_in_force() {
    // The response comes 12 to 18 working days after arrival: within 1.0's
    // twenty working days, always after 1.1's ten.
    let args = [
        FOLDER,
        "--cases",
        "40",
        "--start",
        "2026-03-02",
        "--assumptions",
        "examples/versions/versions.assumptions.yaml",
    ];
    let v = json(&args);
    let versions = v["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2, "{v}");
    let (old, new) = (&versions[0], &versions[1]);
    assert_eq!(
        (&old["version"], &old["effective"], &old["cases"]),
        (&"1.0".into(), &"2025-01-01".into(), &22.into())
    );
    assert_eq!(
        (&old["received_from"], &old["received_to"]),
        (&"2026-03-02".into(), &"2026-03-31".into())
    );
    assert_eq!(
        (&new["version"], &new["effective"], &new["cases"]),
        (&"1.1".into(), &"2026-04-01".into(), &18.into())
    );
    assert_eq!(
        (&new["received_from"], &new["received_to"]),
        (&"2026-04-01".into(), &"2026-04-28".into())
    );
    assert_eq!(v["cases"], 40);
    // Cases received before the revision had twenty working days, and
    // none was late; every case after it had ten, and all were.
    let (o, n) = (breach(old, "stage1"), breach(new, "stage1"));
    assert_eq!((&o["ran"], &o["breached"]), (&22.into(), &0.into()), "{o}");
    assert_eq!((&n["ran"], &n["breached"]), (&18.into(), &18.into()), "{n}");
    // The whole adds the two by name.
    let all = breach(&v, "stage1");
    assert_eq!((&all["ran"], &all["breached"]), (&40.into(), &18.into()));
    assert_eq!(v["outcomes"][0]["cases"], 40);
    // No one version is every case's.
    assert!(v.get("version").is_none(), "{v}");

    let run = redress(&[&["simulate"][..], &args[..]].concat());
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "  1.0 (in force from 2025-01-01): 22 cases, received 2026-03-02 to 2026-03-31",
        "  1.1 (in force from 2026-04-01): 18 cases, received 2026-04-01 to 2026-04-28",
        "  stage1.response                       45.00%  (18 of 40 times it ran)",
        "== Version 1.0 (in force from 2025-01-01) alone: 22 cases, received 2026-03-02 to 2026-03-31 ==",
        "  stage1.response                        0.00%  (0 of 22 times it ran)",
        "  stage1.response                      100.00%  (18 of 18 times it ran)",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
}

#[test]
fn the_same_seed_gives_the_same_result_over_a_revision_whatever_the_number_of_threads() {
    // Three chunks of 8,192 cases; the second holds cases of both versions.
    let args = [
        FOLDER,
        "--cases",
        "20000",
        "--seed",
        "5",
        "--start",
        "2025-11-03",
    ];
    let one = json(&[&args[..], &["--threads", "1"]].concat());
    let two = json(&[&args[..], &["--threads", "2"]].concat());
    let three = json(&[&args[..], &["--threads", "3"]].concat());
    assert_eq!(one, two);
    assert_eq!(one, three);
    let cases: Vec<Option<u64>> = one["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["cases"].as_u64())
        .collect();
    assert_eq!(cases, [Some(8320), Some(11680)], "{}", one["versions"]);
    // Without assumptions each response comes within its version's stage 1:
    // never later than ten working days under 1.1.
    assert!(
        one["versions"][1]["duration_working_days"]["max"]
            .as_u64()
            .is_some_and(|max| max <= 10),
        "{}",
        one["versions"][1]
    );
    assert!(
        one["versions"][0]["duration_working_days"]["max"]
            .as_u64()
            .is_some_and(|max| max > 10 && max <= 20),
        "{}",
        one["versions"][0]
    );
}

/// Two versions where 1.1 adds a review step after stage 1.
fn revised_folder(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let old = std::fs::read_to_string(crate::support::root().join(FOLDER).join("stage1-2025.proc"))
        .expect("version 1.0");
    std::fs::write(dir.join("old.proc"), old).expect("old.proc");
    std::fs::write(
        dir.join("new.proc"),
        r#"procedure versions_demo "Example: a procedure revised on a date" {
  version "1.1"
  effective 2026-04-01
  source "Made-up example of a revised complaints policy, 2026"
  paragraphs "1" "2"

  role officer "Complaints officer" cite "1"

  start stage1

  step stage1 "Stage 1" cite "1" {
    lead officer
    deadline response 10 working days from entry met by response_sent cite "1"
    on response_sent -> review cite "2"
  }

  step review "Review" cite "2" {
    lead officer
    deadline reviewed 5 working days from entry met by review_done cite "2"
    on review_done -> answered cite "2"
  }

  outcome answered final "Answered at stage 1" cite "2"
}
"#,
    )
    .expect("new.proc");
    dir
}

#[test]
fn a_step_only_one_version_has_is_counted_only_from_its_cases() {
    let dir = revised_folder("simulate-versions-review");
    let folder = dir.to_string_lossy();
    let v = json(&[&folder, "--cases", "40", "--start", "2026-03-02"]);
    let reached = |figures: &serde_json::Value, step: &str| {
        figures["steps_reached"]
            .as_array()
            .expect("steps")
            .iter()
            .find(|s| s["name"] == step)
            .map(|s| s["cases"].clone())
    };
    // Only 1.1's 18 cases can reach the review, all of them; 1.0 has none
    // to report, and the whole counts 18 of 40.
    assert_eq!(reached(&v["versions"][0], "review"), None);
    assert_eq!(reached(&v["versions"][1], "review"), Some(18.into()));
    assert_eq!(reached(&v, "review"), Some(18.into()));
    assert_eq!(reached(&v, "stage1"), Some(40.into()));
    assert_eq!(breach(&v, "review")["ran"], 18);
}

#[test]
fn an_assumption_naming_what_one_version_lacks_says_which() {
    let dir = revised_folder("simulate-versions-assumptions");
    let assumptions = dir.join("review.assumptions.yaml");
    std::fs::write(
        &assumptions,
        "procedure: versions_demo\ndurations:\n  review_done: { fixed: 3 }\n",
    )
    .expect("assumptions");
    let folder = dir.to_string_lossy();
    let file = assumptions.to_string_lossy();
    let run = redress(&[
        "simulate",
        &folder,
        "--cases",
        "40",
        "--start",
        "2026-03-02",
        "--assumptions",
        &file,
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("E0902"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("version 1.0 of `versions_demo` has no event `review_done`")
            && run.stderr.contains("version 1.1 of `versions_demo` has it"),
        "{}",
        run.stderr
    );
    // From the revision on, every case is 1.1's, which has the event.
    let run = redress(&[
        "simulate",
        &folder,
        "--cases",
        "40",
        "--start",
        "2026-04-01",
        "--assumptions",
        &file,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_start_before_every_version_names_the_earliest_effective_date() {
    let run = redress(&["simulate", FOLDER, "--cases", "5", "--start", "2024-12-02"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("E1003"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--start 2024-12-02 is before every version of `versions_demo`")
            && run.stderr.contains("the earliest, version 1.0,")
            && run.stderr.contains("takes effect on 2025-01-01")
            && run
                .stderr
                .contains("help: pass --start 2025-01-01 or later")
            && run.stderr.contains("╰── before every version"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn a_folder_of_several_procedures_is_refused_naming_them() {
    let run = redress(&["simulate", "examples", "--cases", "5"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("E1004"), "{}", run.stderr);
    assert!(
        run.stderr.contains("simulate needs one procedure")
            && run.stderr.contains("versions_demo")
            && run
                .stderr
                .contains("help: give one .proc file, or a folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_folder_without_a_procedure_is_refused() {
    let dir = scratch("simulate-versions-empty");
    std::fs::create_dir(dir.join("empty")).expect("empty folder");
    let run = redress_in(&dir, &["simulate", "empty", "--cases", "5"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("E1005"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("empty holds no .proc file; simulate needs a procedure")
            && run.stderr.contains("help: give a .proc file")
            && run.stderr.contains("╰── no procedure here"),
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
