//! Issue 12 §4: `escalate … when GUARD` and `pause … when GUARD`, rights
//! only some cases have, as a policy owner sees them in `run`, `check`,
//! `doc` and `simulate`.

use crate::support::{redress, redress_in};

const PROC: &str = "examples/guarded-windows/guarded-windows.proc";

#[test]
fn a_case_settled_informally_has_no_stage2_window_and_is_resolved_the_next_day() {
    let run = redress(&[
        "run",
        PROC,
        "examples/guarded-windows/03-settled-informally-closes-next-day.yaml",
        "--at",
        "2026-03-03",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stdout.contains("stage2_requested"),
        "no window is listed for a case it does not hold for: {}",
        run.stdout
    );
    let next = redress(&[
        "run",
        PROC,
        "examples/guarded-windows/03-settled-informally-closes-next-day.yaml",
        "--at",
        "2026-03-04",
    ]);
    assert!(next.stdout.contains("resolved"), "{}", next.stdout);
}

#[test]
fn a_request_through_a_window_not_for_the_case_is_refused_naming_the_condition() {
    let run = redress(&[
        "run",
        PROC,
        "examples/guarded-windows/02-settled-informally-no-stage2.yaml",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("E0801"), "{}", run.stderr);
    assert!(
        run.stderr.contains("not resolved_informally"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pause_whose_condition_is_false_is_refused() {
    let run = redress(&[
        "run",
        PROC,
        "examples/guarded-windows/05-no-pause-without-an-allegation.yaml",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("E0804"), "{}", run.stderr);
    assert!(run.stderr.contains("criminal_allegation"), "{}", run.stderr);
}

#[test]
fn a_longer_window_for_some_cases_does_not_make_the_shorter_one_redundant() {
    let dir = std::env::temp_dir().join(format!("redress-gw-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let proc = r#"procedure p "P" {
  role officer "Officer"
  role complainant "Complainant"
  fact vulnerable: bool "Vulnerable"
  start first
  step first "First" {
    lead officer
    on done -> second
  }
  step second "Second" {
    lead complainant
    escalate to third on asked by complainant within 2 weeks of entry
    escalate to third on asked by complainant within 4 weeks of entry when vulnerable
    otherwise -> closed
  }
  step third "Third" {
    lead officer
    on finished -> closed
  }
  outcome closed final "Closed"
}
"#;
    std::fs::write(dir.join("p.proc"), proc).unwrap();
    let run = redress_in(&dir, &["check", "p.proc"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("W0405"), "{}", run.stderr);
    assert!(!run.stdout.contains("W0405"), "{}", run.stdout);
}

#[test]
fn doc_says_when_a_window_and_a_pause_apply() {
    let run = redress(&["doc", PROC]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("unless the complaint was settled informally at stage 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("paused for police inquiry, when the complaint alleges a crime"),
        "{}",
        run.stdout
    );
}

#[test]
fn simulate_never_asks_through_a_window_not_for_the_case() {
    let dir = std::env::temp_dir().join(format!("redress-gw-sim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.yaml"),
        "procedure: guarded_windows\nfacts:\n  resolved_informally: { true: 1.0, false: 0.0 }\n",
    )
    .unwrap();
    let a = dir.join("a.yaml");
    let run = redress(&[
        "simulate",
        PROC,
        "--cases",
        "50",
        "--seed",
        "1",
        "--assumptions",
        a.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("stage2                                 0.00%"),
        "{}",
        run.stdout
    );
}
