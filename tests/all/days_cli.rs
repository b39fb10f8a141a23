//! `redress days` as a user types it.

use crate::support::{redress, scratch};

#[test]
fn add_prints_the_date_alone() {
    let run = redress(&["days", "add", "2026-12-18", "20"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "2027-01-20\n"));
}

#[test]
fn add_accepts_negative_counts() {
    let run = redress(&["days", "add", "2027-01-20", "-20"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "2026-12-18\n"));
}

#[test]
fn between_prints_the_count_alone() {
    let run = redress(&[
        "days",
        "between",
        "2026-12-18",
        "2027-01-20",
        "--calendar",
        "scotland",
    ]);
    // Scotland also closes on 2 January (a Saturday in 2027: substitute Monday 4th).
    assert_eq!((run.code, run.stdout.as_str()), (0, "19\n"));
}

#[test]
fn holidays_2022_lists_the_jubilee_and_state_funeral() {
    let run = redress(&[
        "days",
        "holidays",
        "2022",
        "--calendar",
        "england-and-wales",
    ]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 10, "{}", run.stdout);
    for day in ["2022-06-02", "2022-06-03", "2022-09-19"] {
        assert!(lines.iter().any(|l| l.starts_with(day)), "{day} missing");
    }
    assert!(lines.contains(&"2022-12-27  Christmas Day (substitute day)"));
}

#[test]
fn json_output_names_the_skipped_holidays() {
    let run = redress(&["days", "add", "2026-12-18", "20", "--format", "json"]);
    assert_eq!(run.code, 0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["result"], "2027-01-20");
    let skipped: Vec<&str> = value["skipped"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|h| h["title"].as_str())
        .collect();
    assert_eq!(
        skipped,
        [
            "Christmas Day",
            "Boxing Day (substitute day)",
            "New Year's Day"
        ]
    );

    let run = redress(&["days", "holidays", "2026", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["holidays"].as_array().map(Vec::len), Some(8));
    let run = redress(&[
        "days",
        "between",
        "2026-12-18",
        "2027-01-20",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["working_days"], 20);
}

#[test]
fn bad_input_is_a_usage_error_with_a_diagnostic() {
    let cases: &[(&[&str], &str)] = &[
        (&["days", "add", "2026-02-30", "3"], "E0701"),
        (&["days", "add", "18/12/2026", "3"], "E0701"),
        (&["days", "add", "2300-01-01", "3"], "1970 to 2199"),
        (&["days", "add", "2199-12-30", "10"], "E0703"),
        (&["days", "holidays", "1969"], "E0704"),
        (
            &["days", "add", "2026-01-01", "3", "--calendar", "scotlnd"],
            "did you mean `scotland`",
        ),
        (
            &["days", "add", "2026-01-01", "3", "--calendar", "wales"],
            "england-and-wales, scotland, northern-ireland",
        ),
        (&["days", "add", "2026-01-01"], "Usage"),
        (&["days", "add", "2026-01-01", "many"], "invalid value"),
    ];
    for (args, needle) in cases {
        let run = redress(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{args:?}");
    }
}

#[test]
fn calendar_files_add_closures_and_report_bad_lines() {
    let dir = scratch("days-calendar-file");
    let good = dir.join("office.yaml");
    std::fs::write(
        &good,
        "base: england-and-wales\nclosed:\n  - { date: 2026-12-29, title: Office closure }\n",
    )
    .expect("write");
    let good = good.to_string_lossy().into_owned();
    let run = redress(&["days", "add", "2026-12-24", "1", "--calendar-file", &good]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "2026-12-30\n"),
        "{}",
        run.stderr
    );

    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "base: england-and-wales\nweekend: [saturday, funday]\n",
    )
    .expect("write");
    let bad = bad.to_string_lossy().into_owned();
    let run = redress(&["days", "add", "2026-12-24", "1", "--calendar-file", &bad]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("line 2") && run.stderr.contains("funday"),
        "{}",
        run.stderr
    );

    let run = redress(&[
        "days",
        "add",
        "2026-12-24",
        "1",
        "--calendar-file",
        "no/such/file.yaml",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read"), "{}", run.stderr);
}
