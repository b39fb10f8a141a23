//! `redress status` as a case handler runs it each morning: the shipped
//! examples as of a fixed date, in every format.
//!
//! The dates expected here were worked out by hand over the England and
//! Wales bank holidays of 2026 (Good Friday 3 April, Easter Monday 6 April;
//! none in February or March), counting working days Monday to Friday:
//! - CAF-2026-0015 (examples/cafcass/15-response-overdue.yaml): received
//!   Monday 2 March; 20 working days on is Monday 30 March (4 full weeks).
//!   As of Thursday 2 April it is late by 31 March, 1 and 2 April: 3.
//! - CAF-2026-0009: step 1 entered Monday 9 March; 20 working days: 10–13
//!   March (4), 16–20 (9), 23–27 (14), 30–31 (16), 1–2 April (18), then 3
//!   and 6 April are holidays, 7 and 8 April (20): due Wednesday 8 April,
//!   2 working days after 2 April (7 and 8 April).
//! - CAF-2026-0012 closed on 1 April (`step2_not_undertaken`): 1 working
//!   day before 2 April, within the 5 of "the period".

use crate::support::{redress, scratch};

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn status_json(paths: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["status"];
    args.extend_from_slice(paths);
    args.extend_from_slice(&["--at", "2026-04-02", "--format", "json"]);
    let run = redress(&args);
    (run.code, json(&run.stdout), run.stderr)
}

fn find<'a>(items: &'a serde_json::Value, case: &str, item: &str) -> &'a serde_json::Value {
    items
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|i| i["case"] == case && i["item"] == item)
        })
        .unwrap_or_else(|| panic!("no {case} {item} in {items:#}"))
}

#[test]
fn the_examples_as_of_a_fixed_date_list_what_is_overdue_and_due() {
    let (code, v, stderr) = status_json(&["examples/"]);
    // Some example cases are scenario tests of a refused event before the
    // date (Cafcass's, Riverside's rules, the Housing Ombudsman Code's, guarded windows and pauses): they stop replaying, so the exit
    // is 1, and the rest are still reported.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(v["as_of"], "2026-04-02");
    assert_eq!(v["within"], 5);
    let overdue = find(&v["overdue"], "CAF-2026-0015", "response");
    assert_eq!(overdue["due"], "2026-03-30");
    assert_eq!(overdue["working_days"], 3);
    assert_eq!(overdue["procedure"], "cafcass");
    assert_eq!(overdue["version"], "2.0");
    assert_eq!(overdue["step"], "step1");
    assert_eq!(overdue["lead"], "line_manager");
    assert_eq!(overdue["kind"], "deadline");
    assert!(overdue["explanation"]
        .as_str()
        .is_some_and(|e| e.contains("20 working days") && e.contains("2026-03-30")));
    let due = find(&v["due"], "CAF-2026-0009", "response");
    assert_eq!(due["due"], "2026-04-08");
    assert_eq!(due["working_days"], 2);
    assert!(due["explanation"]
        .as_str()
        .is_some_and(|e| e.contains("Good Friday") && e.contains("Easter Monday")));
    let closed = find(&v["closed"], "CAF-2026-0012", "step2_not_undertaken");
    assert_eq!(closed["due"], "2026-04-01");
    // A case that stops is listed with its diagnostic, never dropped.
    let stopped = v["stopped"].as_array().unwrap();
    let advocate = stopped
        .iter()
        .find(|s| s["case"] == "CAF-2026-0010")
        .unwrap_or_else(|| panic!("{stopped:#?}"));
    assert_eq!(advocate["code"], "E0802");
    assert_eq!(
        advocate["file"],
        "examples/cafcass/10-child-advocate-must-be-offered.yaml"
    );
    assert_eq!(advocate["line"], 26);
    assert!(stderr.contains("E0802"), "{stderr}");
    // Every case that stops is one whose `expect:` says it must stop, with
    // that code: a stop nobody expected is a regression. (Counting them
    // would only pin how many refusal scenarios the examples hold today.)
    assert_eq!(v["counts"]["stopped"], stopped.len());
    assert!(!stopped.is_empty());
    for case in stopped {
        let file = case["file"].as_str().unwrap_or_default();
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let code = case["code"].as_str().unwrap_or_default();
        assert!(
            text.contains("error:") && text.contains(code),
            "{file} stopped with {code}, but its expect: does not say so"
        );
    }
}

#[test]
fn human_output_has_every_section_and_no_colour_off_a_terminal() {
    let run = redress(&["status", "examples/cafcass", "--at", "2026-04-02"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for section in [
        "Overdue (",
        "Due soon (",
        "Escalation windows closing (",
        "Referrals and notices outstanding (",
        "Stopped replaying (",
        "Closed in the period (",
    ] {
        assert!(run.stdout.contains(section), "{section}: {}", run.stdout);
    }
    assert!(
        run.stdout.contains(
            "CAF-2026-0015 · cafcass 2.0 · step1 · line_manager · deadline response · due 2026-03-30, 3 working days late"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
}

/// The same cases as one JSON Lines file, one multi-document YAML file and
/// separate files give the same caseload (only where each came from
/// differs).
#[test]
fn the_same_cases_in_one_json_lines_file_give_the_same_caseload() {
    let dir = scratch("status-jsonl");
    let mut lines = String::new();
    let mut documents = String::new();
    let mut files: Vec<_> = std::fs::read_dir("examples/cafcass")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yaml")
                && !p.to_string_lossy().ends_with(".assumptions.yaml")
        })
        .collect();
    files.sort();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let value: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        lines.push_str(&serde_json::to_string(&value).unwrap());
        lines.push('\n');
        documents.push_str("---\n");
        documents.push_str(&text);
    }
    std::fs::write(dir.join("cases.jsonl"), lines).unwrap();
    std::fs::write(dir.join("cases.yaml"), documents).unwrap();
    let strip = |mut v: serde_json::Value| {
        for section in [
            "overdue",
            "due",
            "windows_closing",
            "outstanding",
            "closed",
            "stopped",
        ] {
            for item in v[section].as_array_mut().unwrap() {
                let item = item.as_object_mut().unwrap();
                item.remove("file");
                item.remove("line");
            }
        }
        v
    };
    let (code, separate, _) = status_json(&["examples/cafcass", "--procedures", "procedures"]);
    let jsonl = dir.join("cases.jsonl");
    let (jsonl_code, one_file, stderr) = status_json(&[jsonl.to_str().unwrap()]);
    let yaml = dir.join("cases.yaml");
    let (yaml_code, documents, _) = status_json(&[yaml.to_str().unwrap()]);
    assert_eq!((code, jsonl_code, yaml_code), (1, 1, 1), "{stderr}");
    assert!(separate["counts"]["cases"].as_u64().unwrap() >= 17);
    let separate = strip(separate);
    assert_eq!(separate, strip(one_file));
    assert_eq!(separate, strip(documents));
}

#[test]
fn ics_output_parses_and_holds_one_all_day_event_per_due_date() {
    let (_, v, _) = status_json(&["examples/"]);
    let mut expected: Vec<(String, String)> = Vec::new();
    // An outstanding item is on the calendar when it has a date (a notice
    // a rejection owes), not otherwise (a referral made at once).
    for section in ["overdue", "due", "windows_closing", "outstanding"] {
        for item in v[section].as_array().unwrap() {
            let Some(due) = item["due"].as_str() else {
                continue;
            };
            expected.push((
                item["case"].as_str().unwrap().to_string(),
                due.replace('-', ""),
            ));
        }
    }
    assert!(expected.len() >= 3, "{v:#}");
    let run = redress(&[
        "status",
        "examples/",
        "--at",
        "2026-04-02",
        "--format",
        "ics",
    ]);
    let unfolded = icalendar::parser::unfold(&run.stdout);
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .unwrap_or_else(|e| panic!("not iCalendar: {e}\n{}", run.stdout));
    let property = |c: &icalendar::parser::Component<'_>, name: &str| -> Option<String> {
        c.properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.as_str().to_string())
    };
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), expected.len(), "{}", run.stdout);
    let mut uids = Vec::new();
    for (event, (case, due)) in events.iter().zip(&expected) {
        let start = event
            .properties
            .iter()
            .find(|p| p.name == "DTSTART")
            .unwrap();
        assert_eq!(start.val.as_str(), due);
        assert!(
            start
                .params
                .iter()
                .any(|p| p.key == "VALUE" && p.val.as_ref().is_some_and(|v| v.as_str() == "DATE")),
            "an all-day event"
        );
        let uid = property(event, "UID").unwrap();
        assert!(uid.starts_with(case.as_str()), "{uid}");
        assert!(property(event, "DESCRIPTION").is_some_and(|d| !d.is_empty()));
        uids.push(uid);
    }
    let count = uids.len();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), count, "a UID per case and item");
    // The UID is the same on another morning, so a calendar updates the
    // event rather than adding a second.
    let later = redress(&[
        "status",
        "examples/",
        "--at",
        "2026-04-03",
        "--format",
        "ics",
    ]);
    let first_uid = format!("UID:{}", uids[0]);
    assert!(later.stdout.contains(&first_uid), "{}", later.stdout);
}

#[test]
fn csv_output_starts_with_the_documented_header() {
    let run = redress(&[
        "status",
        "examples/cafcass",
        "--at",
        "2026-04-02",
        "--format",
        "csv",
    ]);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("section,case,procedure,version,step,lead,person,kind,item,due,working_days,explanation,file,line")
    );
    assert!(
        lines.any(|l| l.starts_with(
            "overdue,CAF-2026-0015,cafcass,2.0,step1,line_manager,,deadline,response,2026-03-30,3,"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn by_person_groups_items_under_the_person_the_case_names() {
    let dir = scratch("status-by-person");
    let case = |id: &str, person: &str| {
        format!(
            "---\nprocedure: council\ncase: {id}\npeople: {{ officer: {person} }}\nevents:\n  - {{ on: 2026-01-05, event: received }}\n"
        )
    };
    std::fs::write(
        dir.join("team.yaml"),
        case("A-1", "Jo Bloggs") + &case("A-2", "Ann Other"),
    )
    .unwrap();
    let run = redress(&[
        "status",
        dir.to_str().unwrap(),
        "--procedures",
        "examples/council",
        "--at",
        "2026-01-12",
        "--by",
        "person",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Received Monday 5 January 2026; the acknowledgement task is due 5
    // working days on, Monday 12 January: due today, for each person.
    let ann = run.stdout.find("  Ann Other:").unwrap();
    let jo = run.stdout.find("  Jo Bloggs:").unwrap();
    assert!(ann < jo, "{}", run.stdout);
    assert!(run
        .stdout
        .contains("A-1 · council 1.0 · stage1 · officer (Jo Bloggs) · task acknowledge · due 2026-01-12, today"));
}

#[test]
fn a_case_naming_a_missing_or_broken_procedure_stops_with_its_code() {
    let dir = scratch("status-procedures");
    std::fs::create_dir_all(dir.join("procs")).unwrap();
    std::fs::write(
        dir.join("procs/broken.proc"),
        "procedure broken \"x\" {\n  start nowhere\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cases.jsonl"),
        "{\"procedure\": \"nosuch\", \"case\": \"N-1\", \"events\": []}\n{\"procedure\": \"broken\", \"case\": \"B-1\", \"events\": []}\n",
    )
    .unwrap();
    let run = redress(&[
        "status",
        dir.join("cases.jsonl").to_str().unwrap(),
        "--procedures",
        dir.join("procs").to_str().unwrap(),
        "--at",
        "2026-01-12",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v = json(&run.stdout);
    let stopped = v["stopped"].as_array().unwrap();
    assert_eq!(stopped[0]["code"], "E1101");
    assert_eq!(stopped[0]["case"], "N-1");
    assert_eq!(stopped[0]["line"], 1);
    assert_eq!(stopped[1]["code"], "E1102");
    assert_eq!(stopped[1]["line"], 2);
}

#[test]
fn a_missing_folder_is_a_usage_error() {
    let run = redress(&["status", "no-such-folder", "--at", "2026-01-12"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no-such-folder"), "{}", run.stderr);
}
