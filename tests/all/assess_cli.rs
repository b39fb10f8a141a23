//! `redress assess` as a user runs it: against the small standard in
//! tests/fixtures/assess/ (a landlord that complies, one with two faults,
//! and a mapping file per E17xx code), then against the real codes with
//! the examples in examples/landlord/.

use crate::support::{redress, root, scratch};

const STANDARD: &str = "tests/fixtures/assess/standard.proc";

fn json(proc: &str, against: &str) -> (i32, serde_json::Value, String) {
    let run = redress(&["assess", proc, "--against", against, "--format", "json"]);
    let value = serde_json::from_str(&run.stdout).unwrap_or(serde_json::Value::Null);
    (run.code, value, run.stderr)
}

/// Every rule not met: (provision, line of PROC, comment).
fn failing(value: &serde_json::Value) -> Vec<(String, u64, String)> {
    let mut out = Vec::new();
    for p in value["provisions"].as_array().expect("provisions") {
        for f in p["findings"].as_array().expect("findings") {
            if f["complies"] != "yes" {
                out.push((
                    p["provision"].as_str().unwrap_or_default().to_string(),
                    f["line"].as_u64().unwrap_or(0),
                    f["comment"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    out
}

fn verdicts(value: &serde_json::Value) -> Vec<(String, String)> {
    value["provisions"]
        .as_array()
        .expect("provisions")
        .iter()
        .map(|p| {
            (
                p["provision"].as_str().unwrap_or_default().to_string(),
                p["complies"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_procedure_that_follows_the_standard_under_its_own_names_assesses_clean() {
    let (code, value, stderr) = json("tests/fixtures/assess/complies.proc", STANDARD);
    assert_eq!(code, 0, "{stderr}");
    let expected: Vec<(String, String)> = [
        ("1", "yes"),
        ("2", "yes"),
        // A note: publishing the policy is for the landlord to show.
        ("3", "for_the_organisation_to_evidence"),
        ("4", "yes"),
        ("5", "yes"),
        ("6", "yes"),
        ("7", "yes"),
        // Cited by steps, roles and transitions alone: no rule to judge.
        ("8", "for_the_organisation_to_evidence"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(verdicts(&value), expected);
    assert_eq!(value["met"], true);
}

#[test]
fn the_two_faults_are_reported_at_their_lines_and_nothing_else() {
    let (code, value, stderr) = json("tests/fixtures/assess/faults.proc", STANDARD);
    assert_eq!(code, 1, "{stderr}");
    let faults = failing(&value);
    assert_eq!(faults.len(), 2, "{faults:#?}");
    // Line 15 is `deadline reply 15 working days from entry, …`; line 9
    // the extension letter's `notice`.
    assert_eq!((faults[0].0.as_str(), faults[0].1), ("2", 15));
    assert!(faults[0].2.contains("15 working days"), "{}", faults[0].2);
    assert_eq!((faults[1].0.as_str(), faults[1].1), ("4", 9));
    assert_eq!(faults[1].2, "it does not include ombudsman_details");
    // Provision 2's stage-2 deadline is met, so it is met in part.
    assert_eq!(verdicts(&value)[1].1, "partly");
}

#[test]
fn the_markdown_table_has_the_published_columns_and_proc_s_lines() {
    let run = redress(&[
        "assess",
        "tests/fixtures/assess/faults.proc",
        "--against",
        STANDARD,
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run
        .stdout
        .contains("| Provision | Requirement | Complies | Evidence | Comment |"));
    assert!(run.stdout.contains("| 4 | notice extension_notice including reason, new_date, ombudsman_details | No | notice extension_letter including reason, new_date (tests/fixtures/assess/faults.proc:9) | it does not include ombudsman_details |"), "{}", run.stdout);
    assert!(run.stdout.contains("| 3 | The landlord must publish its complaints policy on its website. | For the organisation to evidence |"));
    assert!(
        run.stdout.ends_with(
            "8 provisions: 4 met, 1 not met, 1 partly met, 2 for the organisation to evidence\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn sarif_and_github_annotate_the_failing_lines_of_proc() {
    let run = redress(&[
        "assess",
        "tests/fixtures/assess/faults.proc",
        "--against",
        STANDARD,
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF");
    let results = value["runs"][0]["results"].as_array().expect("results");
    let at: Vec<(String, u64)> = results
        .iter()
        .map(|r| {
            let place = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap_or_default().to_string(),
                place["region"]["startLine"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(at, [("E1710".to_string(), 15), ("E1710".to_string(), 9)]);
    let run = redress(&[
        "assess",
        "tests/fixtures/assess/faults.proc",
        "--against",
        STANDARD,
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("::error file=tests/fixtures/assess/faults.proc,line=15,"));
    assert!(lines[1].starts_with("::error file=tests/fixtures/assess/faults.proc,line=9,"));
}

#[test]
fn a_time_limit_the_case_gives_is_open_ended_and_met_only_in_part() {
    let dir = scratch("assess-open-ended");
    let text = std::fs::read_to_string(root().join("tests/fixtures/assess/complies.proc"))
        .expect("fixture")
        .replace(
            "deadline reply 10 working days from acknowledge,",
            "deadline reply reply_time from acknowledge,",
        )
        .replace(
            "  start first",
            "  fact reply_time: duration \"The reply time agreed\"\n  start first",
        );
    std::fs::write(dir.join("open.proc"), text).expect("write");
    let mapping =
        std::fs::read_to_string(root().join("tests/fixtures/assess/complies.follows.yaml"))
            .expect("fixture");
    std::fs::write(dir.join("open.follows.yaml"), mapping).expect("write");
    let proc = dir.join("open.proc");
    let run = redress(&[
        "assess",
        proc.to_str().expect("path"),
        "--against",
        STANDARD,
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("::warning "), "{}", run.stdout);
    assert!(run.stdout.contains("title=W1711::"), "{}", run.stdout);
    assert!(run.stdout.contains("open-ended"), "{}", run.stdout);
}

#[test]
fn each_mapping_fixture_fails_with_its_code_at_its_line() {
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("tests/fixtures/assess")).expect("folder") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !name.starts_with('E') {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("fixture");
        let first = text.lines().next().unwrap_or_default();
        let expect = first
            .split_once("expect: ")
            .map(|(_, e)| e)
            .unwrap_or_default();
        let mut words = expect.split_whitespace();
        let code = words.next().unwrap_or_default();
        let line = words.nth(1).unwrap_or_default();
        let shown = format!("tests/fixtures/assess/{name}");
        let run = redress(&[
            "assess",
            "tests/fixtures/assess/complies.proc",
            "--against",
            STANDARD,
            "--mapping",
            &shown,
        ]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(code), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{shown}:{line}:")),
            "{name}: expected line {line}: {}",
            run.stderr
        );
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn bad_arguments_and_a_proc_that_does_not_check_are_exit_2() {
    let run = redress(&[
        "assess",
        "tests/fixtures/assess/complies.proc",
        "--against",
        "no-such-code",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no standard `no-such-code`") && !run.stderr.contains("did you mean"),
        "{}",
        run.stderr
    );
    // The code's id without its year, as a landlord would first type it.
    let run = redress(&[
        "assess",
        "examples/landlord/oakfield-homes.proc",
        "--against",
        "housing-ombudsman",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("did you mean `housing-ombudsman-2024`?"),
        "{}",
        run.stderr
    );
    let run = redress(&[
        "assess",
        "tests/fixtures/check/E0201-unknown-target.proc",
        "--against",
        STANDARD,
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("E0201"), "{}", run.stderr);
    let run = redress(&["assess", STANDARD, "--against", STANDARD]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no mapping file"), "{}", run.stderr);
}

#[test]
fn a_standard_is_found_by_its_id_under_procedures() {
    let run = redress(&[
        "assess",
        "tests/fixtures/assess/complies.proc",
        "--against",
        "mini_code",
        "--procedures",
        "tests/fixtures/assess",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn the_landlord_example_has_exactly_its_two_faults_against_the_housing_code() {
    let run = redress(&[
        "assess",
        "examples/landlord/oakfield-homes.proc",
        "--against",
        "housing-ombudsman-2024",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let faults: Vec<(Vec<String>, u64, String)> = value["faults"]
        .as_array()
        .expect("faults")
        .iter()
        .map(|f| {
            let provisions = f["provisions"]
                .as_array()
                .expect("provisions")
                .iter()
                .map(|p| p.as_str().unwrap_or_default().to_string())
                .collect();
            (
                provisions,
                f["line"].as_u64().unwrap_or(0),
                f["comment"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(faults.len(), 2, "{faults:#?}");
    // Line 51: `deadline response 15 working days from received, …`; the
    // Code's is 10 working days from the acknowledgement (6.3 to 6.5).
    assert_eq!(faults[0].0, ["6.3", "6.4", "6.5"]);
    assert_eq!(faults[0].1, 51);
    assert!(faults[0].2.contains("15 working days"), "{}", faults[0].2);
    // Line 36: the extension letter, without the Ombudsman's details.
    assert_eq!(faults[1].0, ["6.4", "6.5", "6.15", "6.16"]);
    assert_eq!(faults[1].1, 36);
    assert_eq!(faults[1].2, "it does not include ombudsman_contact");
    let run = redress(&[
        "assess",
        "examples/landlord/oakfield-homes.proc",
        "--against",
        "housing-ombudsman-2024",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("::error file=examples/landlord/oakfield-homes.proc,line=51,"));
    assert!(lines[1].starts_with("::error file=examples/landlord/oakfield-homes.proc,line=36,"));
}

#[test]
fn the_council_example_assesses_clean_against_the_lgsco_code() {
    let run = redress(&[
        "assess",
        "examples/landlord/brookfield-council.proc",
        "--against",
        "lgsco-2024",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["met"], true);
    assert_eq!(value["faults"].as_array().map(Vec::len), Some(0));
    let verdicts = verdicts(&value);
    // Notes only: for the council to evidence, never counted as met.
    for evidence in ["Introduction", "6.6", "6.7", "6.8"] {
        assert!(
            verdicts.contains(&(
                evidence.to_string(),
                "for_the_organisation_to_evidence".to_string()
            )),
            "{verdicts:?}"
        );
    }
    let met = verdicts.iter().filter(|(_, v)| v == "yes").count();
    assert_eq!((met, verdicts.len()), (16, 20), "{verdicts:?}");
}
