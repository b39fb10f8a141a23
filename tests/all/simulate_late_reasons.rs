//! Issue 12 §6: `simulate` counts a soft deadline met late with a reason
//! apart from its breaches, as `run` and `test` do, as often as the
//! assumptions' `late_reasons` says a late event carries one.

use crate::support::{redress, root, scratch};

const PROC: &str = "examples/regulator/regulator.proc";

fn simulate_with(name: &str, extra: &str) -> (i32, serde_json::Value, String) {
    // One folder a test: they run at once and would overwrite one file.
    let dir = scratch(name);
    let base =
        std::fs::read_to_string(root().join("examples/regulator/regulator.assumptions.yaml"))
            .unwrap();
    let file = dir.join("a.yaml");
    std::fs::write(&file, format!("{base}\n{extra}\n")).unwrap();
    let run = redress(&[
        "simulate",
        PROC,
        "--cases",
        "1000",
        "--seed",
        "1",
        "--assumptions",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v = serde_json::from_str(&run.stdout).unwrap_or(serde_json::Value::Null);
    (run.code, v, run.stderr)
}

fn call(v: &serde_json::Value) -> &serde_json::Value {
    v["breaches"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["deadline"] == "call"))
        .unwrap_or_else(|| panic!("{v:#}"))
}

#[test]
fn every_late_call_with_a_reason_is_late_with_reason_not_a_breach() {
    let (code, v, stderr) = simulate_with("late-reasons-all", "late_reasons: 1.0");
    assert_eq!(code, 0, "{stderr}");
    let call = call(&v);
    assert_eq!(call["breached"], 0, "{call}");
    assert!(call["late_with_reason"].as_u64().unwrap() > 0, "{call}");
    // A hard deadline met late is a breach whatever the reason.
    let payment = v["breaches"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["deadline"] == "payment_response"))
        .unwrap();
    assert!(payment["breached"].as_u64().unwrap() > 0, "{payment}");
    assert_eq!(payment["late_with_reason"], 0, "{payment}");
}

#[test]
fn without_the_assumption_a_late_call_is_a_breach() {
    let (code, v, stderr) = simulate_with("late-reasons-none", "");
    assert_eq!(code, 0, "{stderr}");
    let call = call(&v);
    assert!(call["breached"].as_u64().unwrap() > 0, "{call}");
    assert_eq!(call["late_with_reason"], 0, "{call}");
}

#[test]
fn a_late_reasons_share_above_one_is_refused() {
    let (code, _, stderr) = simulate_with("late-reasons-bad", "late_reasons: 1.5");
    assert_ne!(code, 0);
    assert!(stderr.contains("E0904"), "{stderr}");
    assert!(stderr.contains("late_reasons"), "{stderr}");
}
