//! `redress days` as a user types it.

use std::path::Path;

use crate::support::{redress, root, scratch};

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
    // The source is the last column, after the title.
    let christmas = lines
        .iter()
        .find(|l| l.starts_with("2022-12-27  Christmas Day (substitute day)"))
        .expect("the Christmas substitute day");
    assert!(christmas.ends_with("  rule"), "{christmas}");
    let funeral = lines
        .iter()
        .find(|l| l.starts_with("2022-09-19"))
        .expect("the State Funeral");
    assert!(funeral.ends_with("  proclamation"), "{funeral}");
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

#[test]
fn scotland_counts_past_the_extra_holiday_of_15_june_2026() {
    // By hand: June 2-5 (4), 8-12 (9), Monday 15 closed, 16-19 (13),
    // 22-26 (18), 29 (19), 30 (20).
    let run = redress(&["days", "add", "2026-06-01", "20", "--calendar", "scotland"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "2026-06-30\n"),
        "{}",
        run.stderr
    );
}

/// Writes a gov.uk-format file listing `events` for England and Wales.
fn holidays_file(dir: &Path, name: &str, events: &[(&str, &str)]) -> String {
    let events: Vec<String> = events
        .iter()
        .map(|(d, t)| format!(r#"{{"title": "{t}", "date": "{d}", "notes": "", "bunting": true}}"#))
        .collect();
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "{{\"england-and-wales\": {{\"division\": \"england-and-wales\", \"events\": [\n{}\n]}}}}\n",
            events.join(",\n")
        ),
    )
    .expect("write");
    path.to_string_lossy().into_owned()
}

#[test]
fn a_holidays_file_moves_due_dates_and_replaces_its_years() {
    let dir = scratch("days-holidays-file");
    let file = holidays_file(
        &dir,
        "bh.json",
        &[("2026-03-16", "Made-up holiday"), ("2026-07-01", "Another")],
    );
    // Tuesday 30 June + 1: Wednesday 1 July is now closed, so Thursday 2nd.
    let run = redress(&["days", "add", "2026-06-30", "1", "--holidays", &file]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "2026-07-02\n"),
        "{}",
        run.stderr
    );
    // The file covers 2026 and leaves Christmas Day out: Thursday 24
    // December + 1 is Friday 25th. 2027 keeps its computed days: Friday
    // 24 December 2027 + 1 skips the substitute days of 27 and 28.
    let run = redress(&["days", "add", "2026-12-24", "1", "--holidays", &file]);
    assert_eq!(run.stdout, "2026-12-25\n", "{}", run.stderr);
    let run = redress(&["days", "add", "2027-12-24", "1", "--holidays", &file]);
    assert_eq!(run.stdout, "2027-12-29\n", "{}", run.stderr);

    // `days holidays` says where each day came from.
    let run = redress(&["days", "holidays", "2026", "--holidays", &file]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(
        lines[0].starts_with("2026-03-16  Made-up holiday"),
        "{}",
        lines[0]
    );
    assert!(lines[0].ends_with(&format!("  {file}")), "{}", lines[0]);
    let run = redress(&[
        "days",
        "holidays",
        "2027",
        "--holidays",
        &file,
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(value["holidays"][0]["source"], "rule");

    // A run's due date moves too: received Monday 2 March 2026, 20 working
    // days by hand with Monday 16 March closed: March 3-6 (4), 9-13 (9),
    // 17-20 (13), 23-27 (18), 30 (19), 31 (20). Without the file it is
    // the 30th (examples/cafcass/15-response-overdue.yaml).
    let due = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "procedures/cafcass.proc",
            "examples/cafcass/15-response-overdue.yaml",
            "--at",
            "2026-04-02",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let run = redress(&args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
        value["active"][0]["deadlines"][0]["due"].clone()
    };
    assert_eq!(due(&[]), "2026-03-30");
    assert_eq!(due(&["--holidays", &file]), "2026-03-31");
}

#[test]
fn test_and_simulate_take_the_holidays_file_too() {
    // The sample without Scotland's 15 June: the example that counts past
    // it must fail, a day early.
    let sample =
        std::fs::read_to_string(root().join("examples/calendars/bank-holidays-sample.json"))
            .expect("sample");
    let without: String = sample
        .lines()
        .filter(|l| !l.contains("2026-06-15"))
        .collect::<Vec<_>>()
        .join("\n");
    let dir = scratch("test-holidays-file");
    let file = dir.join("no-15-june.json");
    std::fs::write(&file, without).expect("write");
    let file = file.to_string_lossy().into_owned();
    let example = "examples/cafcass/17-scotland-june-2026.yaml";
    let run = redress(&["test", example]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = redress(&["test", example, "--holidays", &file]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("expected 2026-06-30, got 2026-06-29"),
        "{}",
        run.stdout
    );

    let bad = "tests/fixtures/calendars/E0709-unknown-division.json";
    let run = redress(&[
        "simulate",
        "procedures/cafcass.proc",
        "--cases",
        "1",
        "--start",
        "2026-06-01",
        "--holidays",
        bad,
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("E0709"), "{}", run.stderr);
    let run = redress(&[
        "simulate",
        "procedures/cafcass.proc",
        "--cases",
        "1",
        "--start",
        "2026-06-01",
        "--holidays",
        "examples/calendars/bank-holidays-sample.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_calendar_file_names_its_holidays_file_relative_to_itself() {
    let dir = scratch("calendar-file-holidays");
    holidays_file(&dir, "bh.json", &[("2026-07-01", "Made-up holiday")]);
    let calendar = dir.join("office.yaml");
    std::fs::write(
        &calendar,
        "base: england-and-wales\nholidays: bh.json\nclosed:\n  - { date: 2026-07-02, title: Office move }\n",
    )
    .expect("write");
    let calendar = calendar.to_string_lossy().into_owned();
    // Tuesday 30 June + 1: the file's 1 July and the office's own 2 July
    // are both closed, so Friday 3rd.
    let run = redress(&[
        "days",
        "add",
        "2026-06-30",
        "1",
        "--calendar-file",
        &calendar,
    ]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "2026-07-03\n"),
        "{}",
        run.stderr
    );
    let run = redress(&[
        "days",
        "holidays",
        "2026",
        "--calendar-file",
        &calendar,
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let sources: Vec<&str> = value["holidays"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|h| h["source"].as_str())
        .collect();
    let beside = dir.join("bh.json").to_string_lossy().into_owned();
    assert_eq!(sources, [beside.as_str(), "closure"]);
}

/// One failing input per calendar diagnostic code, with the file and line
/// it must name (`None` where the problem is on the command line).
const FIXTURES: &[(&[&str], &str, Option<&str>)] = &[
    (&["days", "add", "2026-02-30", "3"], "E0701", None),
    (&["days", "add", "2300-01-01", "3"], "E0702", None),
    (&["days", "add", "2199-12-30", "10"], "E0703", None),
    (&["days", "holidays", "1969"], "E0704", None),
    (
        &["days", "add", "2026-01-01", "3", "--calendar", "scotlnd"],
        "E0705",
        None,
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--calendar-file",
            "tests/fixtures/calendars/E0706-seven-day-weekend.yaml",
        ],
        "E0706",
        Some("tests/fixtures/calendars/E0706-seven-day-weekend.yaml:3:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--calendar-file",
            "tests/fixtures/calendars/E0707-unknown-base.yaml",
        ],
        "E0707",
        Some("tests/fixtures/calendars/E0707-unknown-base.yaml:2:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--calendar-file",
            "tests/fixtures/calendars/E0707-not-utf8.yaml",
        ],
        "E0707",
        Some("tests/fixtures/calendars/E0707-not-utf8.yaml:2:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--calendar-file",
            "tests/fixtures/calendars/E0707-unknown-key.yaml",
        ],
        "E0707",
        Some("tests/fixtures/calendars/E0707-unknown-key.yaml:3:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--calendar-file",
            "tests/fixtures/calendars/E0708-holidays-file-missing.yaml",
        ],
        "E0708",
        Some("tests/fixtures/calendars/no-such-file.json"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--holidays",
            "tests/fixtures/calendars/E0708-not-json.json",
        ],
        "E0708",
        Some("tests/fixtures/calendars/E0708-not-json.json:5:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--holidays",
            "tests/fixtures/calendars/E0708-no-title.json",
        ],
        "E0708",
        Some("tests/fixtures/calendars/E0708-no-title.json:5:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--holidays",
            "tests/fixtures/calendars/E0708-not-a-date.json",
        ],
        "E0708",
        Some("tests/fixtures/calendars/E0708-not-a-date.json:5:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--holidays",
            "tests/fixtures/calendars/E0709-unknown-division.json",
        ],
        "E0709",
        Some("tests/fixtures/calendars/E0709-unknown-division.json:6:"),
    ),
    (
        &[
            "days",
            "add",
            "2026-01-01",
            "3",
            "--holidays",
            "tests/fixtures/calendars/E0710-outside-the-years.json",
        ],
        "E0710",
        Some("tests/fixtures/calendars/E0710-outside-the-years.json:6:"),
    ),
];

#[test]
fn each_calendar_fixture_gives_its_code_at_its_line() {
    let mut failures = Vec::new();
    for (args, code, place) in FIXTURES {
        let run = redress(args);
        let ok = run.code == 2
            && run.stderr.contains(code)
            && place.is_none_or(|p| run.stderr.contains(p))
            && run.stderr.contains("help:")
            && !run.stderr.contains("panicked");
        if !ok {
            failures.push(format!(
                "{args:?}: expected exit 2 with {code} at {place:?}; got {}:\n{}",
                run.code, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_calendar_code_has_a_fixture_and_is_documented() {
    let source = std::fs::read_to_string(root().join("src/calendar/error.rs")).expect("source");
    let docs = std::fs::read_to_string(root().join("docs/calendars.md")).expect("docs");
    let codes: Vec<String> = source
        .split("code(E")
        .skip(1)
        .map(|part| format!("E{}", &part[..4]))
        .collect();
    assert!(codes.len() >= 10, "{codes:?}");
    for code in &codes {
        assert!(
            FIXTURES.iter().any(|(_, c, _)| c == code),
            "{code} has no fixture"
        );
        assert!(
            docs.contains(&format!("`{code}`")),
            "{code} is not in docs/calendars.md"
        );
    }
}
