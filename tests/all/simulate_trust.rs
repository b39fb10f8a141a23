//! Simulation draws only events the engine accepts, says so loudly when
//! the engine stops a case anyway, describes a real caseload by default,
//! and bounds the loops a case may take.

use crate::support::{redress, scratch};

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn extensions_of_a_deadline_counted_from_a_task_are_never_refused() {
    // Stage 1's response counts from the acknowledgement, and half the
    // cases have it extended: each extension must come after the
    // acknowledgement and within the ceiling (once, 19% of cases stopped).
    let run = redress(&[
        "simulate",
        "examples/council/council.proc",
        "--cases",
        "20000",
        "--seed",
        "3",
        "--assumptions",
        "examples/council/council.assumptions.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let v = json(&run.stdout);
    assert_eq!(v["stopped_cases"], 0, "{}", v["stopped"]);
    let total: f64 = v["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|o| o["share"].as_f64().expect("share"))
        .sum();
    assert!((total - 1.0).abs() < 1e-9, "shares add up to {total}");
}

#[test]
fn a_stopped_case_fails_the_run_and_heads_the_report() {
    // Every case's refusal rule reads a text fact the assumptions cannot
    // give (date facts default to the day the case arrives), so the
    // engine stops every case (E0807).
    let dir = scratch("simulate-stopped");
    let proc_path = dir.join("stops.proc");
    std::fs::write(
        &proc_path,
        r#"procedure stops "Stops" {
  role officer "Officer"
  fact reference: text "The complainant's own reference"
  start one
  step one "One" {
    lead officer
    refuse when reference == "" "No reference" -> late
    on answered -> done
  }
  outcome late "Too late"
  outcome done "Done"
}
"#,
    )
    .expect("write");
    let path = proc_path.to_string_lossy().into_owned();
    let run = redress(&["simulate", &path, "--cases", "50", "--seed", "1"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let first = run.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("ERROR: the engine stopped 50 of 50"),
        "the report must open with the stopped cases: {}",
        run.stdout
    );
    assert!(run.stdout.contains("E0807"), "{}", run.stdout);
    let run = redress(&["simulate", &path, "--cases", "50", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v = json(&run.stdout);
    assert_eq!(v["stopped_cases"], 50);
    assert_eq!(v["stopped"]["E0807"]["cases"], 50);
}

#[test]
fn without_assumptions_facts_take_their_least_surprising_value() {
    let run = redress(&[
        "simulate",
        "procedures/cafcass.proc",
        "--cases",
        "2000",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    // Every yes/no fact is no, so nothing is reopened or refused for a
    // documented welfare risk, as in a real caseload.
    let shares = v["outcomes"].as_array().expect("outcomes");
    let not_reopened = shares
        .iter()
        .find(|s| s["name"] == "not_reopened")
        .and_then(|s| s["cases"].as_u64());
    assert_eq!(not_reopened, Some(0));
    let defaults: Vec<&str> = v["defaults"]
        .as_array()
        .expect("defaults")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert!(
        defaults.contains(&"previously_concluded = false"),
        "{defaults:?}"
    );
    assert!(defaults.contains(&"complainant_is = child"), "{defaults:?}");
    // The start is a fixed date, not the day the command runs.
    assert_eq!(v["start"], "2026-01-05");
    let again = redress(&[
        "simulate",
        "procedures/cafcass.proc",
        "--cases",
        "2000",
        "--format",
        "json",
    ]);
    assert_eq!(run.stdout, again.stdout);
    let human = redress(&["simulate", "procedures/cafcass.proc", "--cases", "100"]);
    assert!(
        human
            .stdout
            .contains("Facts without an assumption, given to every case: complainant_is = child"),
        "{}",
        human.stdout
    );
}

#[test]
fn a_loop_left_almost_never_is_bounded_and_counted() {
    let dir = scratch("simulate-loop-bound");
    let proc_path = dir.join("loop.proc");
    std::fs::write(
        &proc_path,
        r#"procedure looping "Loops" {
  role officer "Officer"
  start one
  step one "One" {
    lead officer
    on again -> two
    on finished -> done
  }
  step two "Two" {
    lead officer
    on back -> one
  }
  outcome done "Done"
}
"#,
    )
    .expect("write");
    let assumptions = dir.join("loop.assumptions.yaml");
    std::fs::write(
        &assumptions,
        "procedure: looping\nchoices:\n  one: { again: 0.999999, finished: 0.000001 }\n",
    )
    .expect("write");
    let run = redress(&[
        "simulate",
        &proc_path.to_string_lossy(),
        "--cases",
        "20",
        "--assumptions",
        &assumptions.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v = json(&run.stdout);
    assert_eq!(v["loop_bound"], 1000);
    assert_eq!(v["unfinished"], 20, "{}", run.stdout);
}
