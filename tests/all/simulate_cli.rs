//! `redress simulate`: reproducible, faithful to its assumptions, and
//! clear about bad input.

use crate::support::{redress, scratch};

fn simulate(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--start", "2027-01-04", "--format", "json"]);
    let run = redress(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

fn share(v: &serde_json::Value, list: &str, name: &str) -> f64 {
    v[list]
        .as_array()
        .expect("list")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["share"].as_f64())
        .unwrap_or(0.0)
}

#[test]
fn more_threads_than_the_machine_can_use_are_refused_at_the_argument() {
    // 20,000 threads used to hang; no machine this runs on has 5,000 cores.
    let run = redress(&[
        "simulate",
        "procedures/cafcass.proc",
        "--cases",
        "10",
        "--threads",
        "20000",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("E1002"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--threads 20000 is more than this machine can use"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("╰── too many"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn the_same_seed_gives_the_same_result_whatever_the_number_of_threads() {
    let args = [
        "procedures/cafcass.proc",
        "--cases",
        "30000",
        "--seed",
        "7",
        "--assumptions",
        "examples/cafcass/cafcass.assumptions.yaml",
    ];
    let one = simulate(&[&args[..], &["--threads", "1"]].concat());
    let two = simulate(&[&args[..], &["--threads", "2"]].concat());
    let three = simulate(&[&args[..], &["--threads", "3"]].concat());
    assert_eq!(one, two);
    assert_eq!(one, three);
    // Everything the simulation schedules is something the engine accepts.
    assert!(
        one["stopped"].as_object().is_some_and(|s| s.is_empty()),
        "{}",
        one["stopped"]
    );
    assert_eq!(one["unfinished"], 0);
    let other_seed = simulate(&[
        "procedures/cafcass.proc",
        "--cases",
        "30000",
        "--seed",
        "8",
        "--assumptions",
        "examples/cafcass/cafcass.assumptions.yaml",
    ]);
    assert_ne!(
        one["outcomes"], other_seed["outcomes"],
        "a different seed draws differently"
    );
}

#[test]
fn shares_follow_the_assumed_probabilities() {
    // decide: agreed 0.3, declined 0.6, reconsider 0.1; decide_again:
    // settled (yes) 0.5, back to decide 0.5. So P(yes) solves
    // y = 0.3 + 0.1 (0.5 + 0.5 y), y = 0.35 / 0.95 ≈ 0.368, and P(no) ≈ 0.632.
    let v = simulate(&[
        "tests/fixtures/simulate/fork.proc",
        "--cases",
        "100000",
        "--seed",
        "3",
        "--assumptions",
        "tests/fixtures/simulate/fork.assumptions.yaml",
    ]);
    let yes = share(&v, "outcomes", "yes");
    let no = share(&v, "outcomes", "no");
    assert!((yes - 0.35 / 0.95).abs() < 0.01, "yes {yes}");
    assert!((no - 0.6 / 0.95).abs() < 0.01, "no {no}");
    assert!((share(&v, "steps_reached", "decide_again") - 0.1).abs() < 0.005);
    // Each visit to decide_again goes back with probability 0.5: the mean
    // number of loops a case is 0.1·0.5 / (1 − 0.05) ≈ 0.053.
    assert!(
        (v["mean_loops"].as_f64().expect("loops") - 0.05 / 0.95).abs() < 0.005,
        "{}",
        v["mean_loops"]
    );
    // `declined` takes 8 to 12 working days against a 10-day deadline: late
    // when 11 or 12, two draws in five of the 60% who decline at once.
    let breach = v["breaches"][0]["rate"].as_f64().expect("rate");
    assert!(breach > 0.2 && breach < 0.3, "breach rate {breach}");
    assert_eq!(
        v["duration_working_days"]["p50"], 9,
        "{}",
        v["duration_working_days"]
    );
}

#[test]
fn withdrawals_can_be_assumed_at_any_step() {
    let dir = scratch("simulate-withdrawals");
    let path = dir.join("w.assumptions.yaml");
    std::fs::write(
        &path,
        "choices:\n  decide: { agreed: 0.3, declined: 0.5, reconsider: 0.1, withdrawn: 0.1 }\n  decide_again: { settled: 0.5, back: 0.5 }\n",
    )
    .expect("write");
    let v = simulate(&[
        "tests/fixtures/simulate/fork.proc",
        "--cases",
        "100000",
        "--seed",
        "5",
        "--assumptions",
        &path.to_string_lossy(),
    ]);
    // Withdrawn from decide, each time it is entered: 0.1 / (1 − 0.05).
    assert!(
        (share(&v, "outcomes", "withdrawn") - 0.1 / 0.95).abs() < 0.01,
        "{}",
        v["outcomes"]
    );
    // A loop whose only way out is withdrawing still ends.
    std::fs::write(
        &path,
        "choices:\n  decide: { reconsider: 0.9, withdrawn: 0.1 }\n  decide_again: { back: 1 }\n",
    )
    .expect("write");
    let v = simulate(&[
        "tests/fixtures/simulate/fork.proc",
        "--cases",
        "2000",
        "--seed",
        "5",
        "--assumptions",
        &path.to_string_lossy(),
    ]);
    assert_eq!(share(&v, "outcomes", "withdrawn"), 1.0);
}

#[test]
fn assumed_extensions_prevent_breaches_within_the_ceiling() {
    let dir = scratch("simulate-extensions");
    let path = dir.join("x.assumptions.yaml");
    let base = "facts:\n  previously_concluded: 0\n  submitted_abusively: 0\n  welfare_risk_documented: 0\n  live_case_interference_documented: 0\n  factual_dispute_for_court: 0\nchoices:\n  step1_considered: { step2_requested: 1, otherwise: 0 }\n  step2: { adjudicated: 1, report_rejected: 0 }\ndurations:\n  adjudicated: { uniform: [20, 40] }\n";
    std::fs::write(&path, base).expect("write");
    let p = path.to_string_lossy().into_owned();
    let without = simulate(&[
        "procedures/cafcass.proc",
        "--cases",
        "20000",
        "--seed",
        "4",
        "--assumptions",
        &p,
    ]);
    std::fs::write(
        &path,
        format!(
            "{base}extensions:\n  investigation: {{ probability: 1.0, by: {{ fixed: 20 }} }}\n"
        ),
    )
    .expect("write");
    let with = simulate(&[
        "procedures/cafcass.proc",
        "--cases",
        "20000",
        "--seed",
        "4",
        "--assumptions",
        &p,
    ]);
    let rate = |v: &serde_json::Value| {
        v["breaches"]
            .as_array()
            .expect("breaches")
            .iter()
            .find(|b| b["deadline"] == "investigation")
            .and_then(|b| b["rate"].as_f64())
            .expect("rate")
    };
    // Adjudication 20 to 40 working days against 25: late in 15 draws of
    // 21. Always extended by 20 (to 45, within the ceiling of 65): never.
    assert!(
        (rate(&without) - 15.0 / 21.0).abs() < 0.02,
        "{}",
        rate(&without)
    );
    assert_eq!(rate(&with), 0.0);
    assert!(
        with["stopped"].as_object().is_some_and(|s| s.is_empty()),
        "{}",
        with["stopped"]
    );
}

#[test]
fn extensions_must_name_an_extendable_deadline() {
    let err = bad_assumptions(
        "not-extendable",
        "extensions:\n  answer: { probability: 0.5, by: { fixed: 3 } }\n",
    );
    assert!(
        err.contains("E0902") && err.contains(":2:") && err.contains("is not extendable"),
        "{err}"
    );
    let err = bad_assumptions(
        "unknown-deadline",
        "extensions:\n  anser: { probability: 0.5, by: { fixed: 3 } }\n",
    );
    assert!(err.contains("did you mean `answer`"), "{err}");
    let err = bad_assumptions(
        "no-probability",
        "extensions:\n  answer: { by: { fixed: 3 } }\n",
    );
    assert!(err.contains("E0904") || err.contains("E0902"), "{err}");
}

#[test]
fn without_assumptions_choices_are_uniform() {
    let v = simulate(&[
        "tests/fixtures/simulate/fork.proc",
        "--cases",
        "60000",
        "--seed",
        "1",
    ]);
    // Uniform: a third each way out of decide, half each out of decide_again.
    assert!((share(&v, "steps_reached", "decide_again") - 1.0 / 3.0).abs() < 0.01);
    assert_eq!(
        v["breaches"][0]["breached"], 0,
        "default timings stay within each deadline"
    );
}

#[test]
fn the_summary_has_the_documented_fields() {
    let v = simulate(&[
        "procedures/babicm.proc",
        "--cases",
        "5000",
        "--seed",
        "1",
        "--assumptions",
        "examples/babicm/babicm.assumptions.yaml",
    ]);
    assert_eq!(v["procedure"], "babicm");
    assert_eq!(v["cases"], 5000);
    let total: f64 = v["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .filter_map(|o| o["share"].as_f64())
        .sum();
    assert!(
        (total - 1.0).abs() < 1e-9,
        "outcome shares add up to 1: {total}"
    );
    for field in ["p50", "p90", "p99", "max", "mean"] {
        assert!(v["duration_working_days"][field].is_number(), "{field}");
    }
    let member_reply = v["breaches"]
        .as_array()
        .expect("breaches")
        .iter()
        .find(|b| b["deadline"] == "member_reply")
        .expect("deadline");
    assert!(member_reply["ran"].as_u64().is_some_and(|n| n > 4000));
    assert!(v["mean_loops"].is_number());
    assert_eq!(v["unfinished"], 0);
    assert!(
        v["stopped"].as_object().is_some_and(|s| s.is_empty()),
        "the engine stopped no case: {}",
        v["stopped"]
    );
}

fn bad_assumptions(name: &str, text: &str) -> String {
    let dir = scratch(&format!("simulate-{name}"));
    let path = dir.join("a.assumptions.yaml");
    std::fs::write(&path, text).expect("write");
    let run = redress(&[
        "simulate",
        "tests/fixtures/simulate/fork.proc",
        "--cases",
        "10",
        "--assumptions",
        &path.to_string_lossy(),
    ]);
    assert_eq!(run.code, 1, "{name}: {}", run.stderr);
    run.stderr
}

#[test]
fn bad_assumptions_name_the_key_and_line() {
    let err = bad_assumptions(
        "sum",
        "choices:\n  decide: { agreed: 0.3, declined: 0.3, reconsider: 0.1 }\n",
    );
    assert!(
        err.contains("E0903")
            && err.contains("a.assumptions.yaml:2:")
            && err.contains("add up to 0.7"),
        "{err}"
    );
    let err = bad_assumptions("unknown-event", "durations:\n  agred: { fixed: 1 }\n");
    assert!(
        err.contains("E0902") && err.contains(":2:") && err.contains("did you mean `agreed`"),
        "{err}"
    );
    let err = bad_assumptions("unknown-step", "choices:\n  decid: { agreed: 1.0 }\n");
    assert!(
        err.contains("E0902") && err.contains("did you mean `decide`"),
        "{err}"
    );
    let err = bad_assumptions("negative", "durations:\n  agreed: { uniform: [-2, 3] }\n");
    assert!(
        err.contains("E0904") && err.contains(":2:") && err.contains("cannot be negative"),
        "{err}"
    );
    let err = bad_assumptions("key", "choices: {}\nseed: 3\n");
    assert!(
        err.contains("E0901") && err.contains(":2:") && err.contains("unknown field `seed`"),
        "{err}"
    );
}

#[test]
fn a_loop_that_never_ends_is_refused_instead_of_run() {
    let err = bad_assumptions("never-ends", "choices:\n  decide: { agreed: 0, declined: 0, reconsider: 1 }\n  decide_again: { settled: 0, back: 1 }\n");
    assert!(err.contains("E0905") && err.contains("never ends"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let run = redress(&["simulate", "procedures/cafcass.proc", "--cases", "0"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("at least 1"), "{}", run.stderr);
    let run = redress(&[
        "simulate",
        "procedures/cafcass.proc",
        "--cases",
        "10",
        "--start",
        "2026-13-01",
    ]);
    assert_eq!(run.code, 2);
    let run = redress(&["simulate", "procedures/cafcass.proc"]);
    assert_eq!(run.code, 2, "--cases is required");
}

#[test]
fn human_output_reads_as_a_summary() {
    let run = redress(&[
        "simulate",
        "tests/fixtures/simulate/fork.proc",
        "--cases",
        "1000",
        "--seed",
        "1",
        "--start",
        "2027-01-04",
    ]);
    assert_eq!(run.code, 0);
    for words in [
        "Simulated 1000 cases of fork (seed 1",
        "Outcomes",
        "Steps reached",
        "Working days from received to the end",
        "Breach rate per deadline",
        "decide.answer",
        "Loops:",
    ] {
        assert!(run.stdout.contains(words), "{words}: {}", run.stdout);
    }
}
