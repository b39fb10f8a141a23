//! Panels (`role panel "…", members at least 3, chair`) as a case handler
//! and a policy owner meet them: who sat and who chaired in `run`,
//! refusals naming the event, the panel and the people, the same answers
//! from a case written as YAML or as JSON, and `doc`, `graph`, `fmt` and
//! `diff`.

use crate::support::{redress, scratch};

const HILLSIDE: &str = "examples/panels/hillside.proc";
const RIGHT: &str = "examples/panels/01-panel-hears-as-the-procedure-says.yaml";

#[test]
fn run_shows_who_sits_on_the_panel_and_who_chairs_it() {
    // Before the decision: due 20 working days from the hearing request on
    // Wednesday 18 March 2026, skipping Good Friday (3 April) and Easter
    // Monday (6 April): Friday 17 April, worked by hand and checked with a
    // short script over the England and Wales bank holidays.
    let run = redress(&["run", HILLSIDE, RIGHT, "--at", "2026-04-10"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "People: headteacher: A. Patel; panel: B. Khan (chair), D. Lee, E. Ward; independent_person: C. Okafor"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("due 2026-04-17"), "{}", run.stdout);
    let json = redress(&[
        "run",
        HILLSIDE,
        RIGHT,
        "--at",
        "2026-04-10",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let people = v["people"].as_array().unwrap();
    let panel = people.iter().find(|p| p["role"] == "panel").unwrap();
    assert_eq!(
        panel["members"],
        serde_json::json!(["B. Khan", "D. Lee", "E. Ward"])
    );
    assert_eq!(panel["chair"], "B. Khan");
    assert_eq!(panel["person"], "B. Khan (chair), D. Lee, E. Ward");
    // One person's role keeps its one `person` and nothing more.
    let head = people.iter().find(|p| p["role"] == "headteacher").unwrap();
    assert_eq!(head["person"], "A. Patel");
    assert!(head.get("members").is_none() && head.get("chair").is_none());
}

#[test]
fn the_members_who_sat_on_the_day_replace_the_cases_and_are_reported() {
    let dir = scratch("panels-on-the-day");
    let case = dir.join("case.yaml");
    // The case names three members and a chair; on the day E. Ward could
    // not come and F. Osei sat instead, and D. Lee chaired.
    let text = std::fs::read_to_string(RIGHT)
        .unwrap()
        .replace(
            "event: decided }",
            "event: decided, person: [B. Khan, D. Lee, F. Osei], chair: D. Lee }",
        )
        .split("expect:")
        .next()
        .unwrap_or_default()
        .to_string();
    std::fs::write(&case, text).unwrap();
    let case = case.to_string_lossy().to_string();
    let run = redress(&["run", HILLSIDE, &case, "--at", "2026-04-16"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("panel: B. Khan, D. Lee (chair), F. Osei"),
        "{}",
        run.stdout
    );
}

/// The case file `name` with `event: decided }` replaced by `decided`.
fn decided_as(name: &str, decided: &str) -> String {
    let dir = scratch(&format!("panels-{name}"));
    let case = dir.join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(RIGHT)
        .unwrap()
        .replace("{ on: 2026-04-15, event: decided }", decided);
    std::fs::write(&case, text).unwrap();
    case.to_string_lossy().to_string()
}

/// The refusal's message, with the report's wrapping undone.
fn refusal(case: &str) -> String {
    let run = redress(&["run", HILLSIDE, case, "--at", "2026-04-16"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    run.stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_panel_naming_a_member_twice_or_a_chair_from_outside_is_refused_naming_the_people() {
    for (name, decided, code, words) in [
        (
            "twice",
            "{ on: 2026-04-15, event: decided, person: [B. Khan, D. Lee, B. Khan], chair: B. Khan }",
            "E0831",
            "`decided` on 2026-04-15 is made by panel, but the event names B. Khan twice: B. Khan, D. Lee, B. Khan",
        ),
        (
            "chair-elsewhere",
            "{ on: 2026-04-15, event: decided, person: [B. Khan, D. Lee, E. Ward], chair: F. Osei }",
            "E0832",
            "`decided` on 2026-04-15 is made by panel (B. Khan, D. Lee, E. Ward), but its chair, F. Osei, is not one of them",
        ),
    ] {
        let flat = refusal(&decided_as(name, decided));
        assert!(flat.contains(code), "{name}: {flat}");
        assert!(flat.contains(words), "{name}: {flat}");
    }
    // `at least 3` has no upper bound: five members may sit.
    let five = decided_as(
        "five",
        "{ on: 2026-04-15, event: decided, person: [B. Khan, D. Lee, E. Ward, F. Osei, G. Hart], chair: B. Khan }",
    );
    let run = redress(&["run", HILLSIDE, &five, "--at", "2026-04-16"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_chair_for_a_role_without_one_and_several_people_for_one_persons_role_are_refused() {
    let view = "{ on: 2026-04-01, event: independent_view, by: independent_person }";
    let with_view = |name: &str, instead: &str| {
        let case = decided_as(name, "{ on: 2026-04-15, event: decided }");
        let text = std::fs::read_to_string(&case)
            .unwrap()
            .replace(view, instead);
        std::fs::write(&case, text).unwrap();
        case
    };
    let flat = refusal(&with_view(
        "two-independent",
        "{ on: 2026-04-01, event: independent_view, by: independent_person, person: [C. Okafor, H. Ames] }",
    ));
    assert!(flat.contains("E0830"), "{flat}");
    assert!(
        flat.contains("`independent_view` on 2026-04-01 is made by independent_person, one person's role, but the event names 2 people: C. Okafor, H. Ames"),
        "{flat}"
    );
    let flat = refusal(&with_view(
        "chair-of-one",
        "{ on: 2026-04-01, event: independent_view, by: independent_person, chair: C. Okafor }",
    ));
    assert!(flat.contains("E0832"), "{flat}");
    assert!(
        flat.contains(
            "names C. Okafor as chair, but independent_person has no chair in this procedure"
        ),
        "{flat}"
    );
}

#[test]
fn a_list_for_one_persons_role_in_people_is_a_case_error_at_its_line() {
    let case = decided_as("people-list", "{ on: 2026-04-15, event: decided }");
    let text = std::fs::read_to_string(&case)
        .unwrap()
        .replace("headteacher: A. Patel", "headteacher: [A. Patel, Z. Young]");
    std::fs::write(&case, text).unwrap();
    let run = redress(&["run", HILLSIDE, &case]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("E0607"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`[A. Patel, Z. Young]` is not a valid person"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("is one person's role"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("people-list.yaml:14:"),
        "{}",
        run.stderr
    );
}

/// The lines of the refusal's message (`× …` and its continuation), which
/// say the same whatever the file's layout.
fn message(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|l| !l.trim_start().starts_with('×'))
        .take_while(|l| l.trim_start().starts_with('×') || l.starts_with("  │"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_panel_case_gives_the_same_answer_written_as_yaml_or_as_json() {
    // Without `expect:`, so that the quick readers would take the case if
    // they could; both give panels to the full reader, which must then
    // read the two forms alike.
    let dir = scratch("panels-yaml-json");
    let mut compared = 0;
    for entry in std::fs::read_dir("examples/panels").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let yaml = text.split("expect:").next().unwrap_or_default().to_string();
        let value: serde_json::Value = serde_yaml::from_str(&yaml).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let (as_yaml, as_json) = (
            dir.join(format!("{stem}.yaml")),
            dir.join(format!("{stem}.json.yaml")),
        );
        std::fs::write(&as_yaml, &yaml).unwrap();
        std::fs::write(&as_json, value.to_string()).unwrap();
        let run = |case: &std::path::Path| {
            redress(&[
                "run",
                HILLSIDE,
                &case.to_string_lossy(),
                "--at",
                "2026-04-16",
                "--format",
                "json",
            ])
        };
        let (y, j) = (run(&as_yaml), run(&as_json));
        assert_eq!(y.code, j.code, "{stem}: {}{}", y.stderr, j.stderr);
        assert_eq!(y.stdout, j.stdout, "{stem}");
        assert_eq!(message(&y.stderr), message(&j.stderr), "{stem}");
        if y.code == 1 {
            assert!(!message(&y.stderr).is_empty(), "{stem}: {}", y.stderr);
        }
        compared += 1;
    }
    assert_eq!(compared, 5);
}

#[test]
fn doc_graph_and_diff_state_the_panel_for_staff() {
    let doc = redress(&["doc", HILLSIDE]);
    assert_eq!(doc.code, 0, "{}", doc.stderr);
    assert!(
        doc.stdout.contains(
            "- The Complaints panel of governors sits with at least 3 members, one of whom chairs it: record its members (`person: [A. Patel, B. Khan]` on its events, or `panel:` under the case's `people:`) and who chaired it (`chair:`)."
        ),
        "{}",
        doc.stdout
    );
    assert!(
        doc.stdout.contains(
            "- No member of the panel that leads “Stage 2: a panel of governors hears the complaint” may be the person who led “Stage 1: the headteacher responds”."
        ),
        "{}",
        doc.stdout
    );
    assert!(
        doc.stdout
            .contains("- The independent person who advises the panel may not also sit on the Complaints panel of governors."),
        "{}",
        doc.stdout
    );
    let graph = redress(&["graph", HILLSIDE]);
    assert!(
        graph
            .stdout
            .contains("lead: panel, at least 3 members with a chair, not the lead of stage1"),
        "{}",
        graph.stdout
    );

    let dir = scratch("panels-diff");
    let (before, after) = (dir.join("before.proc"), dir.join("after.proc"));
    let text = std::fs::read_to_string(HILLSIDE).unwrap();
    std::fs::write(&before, &text).unwrap();
    std::fs::write(
        &after,
        text.replace("members at least 3, chair", "members 3 to 5"),
    )
    .unwrap();
    let diff = redress(&["diff", &before.to_string_lossy(), &after.to_string_lossy()]);
    for line in [
        "members: at least 3 members → 3 to 5 members",
        "chair: one member chairs",
    ] {
        assert!(diff.stdout.contains(line), "{line}: {}", diff.stdout);
    }
}

#[test]
fn fmt_puts_the_panel_before_not_also_and_keeps_its_meaning() {
    let dir = scratch("panels-fmt");
    let file = dir.join("p.proc");
    std::fs::write(
        &file,
        "procedure p \"P\" {\n  role officer \"Officer\"\n  role panel \"Panel\", not also officer, members 2 to 4, chair cite \"3\"\n  start first\n\n  step first \"First\" {\n    lead panel\n    on done by officer -> closed\n  }\n\n  outcome closed \"Closed\"\n}\n",
    )
    .unwrap();
    let file = file.to_string_lossy().to_string();
    let fmt = redress(&["fmt", &file]);
    assert_eq!(fmt.code, 0, "{}", fmt.stderr);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("role panel   \"Panel\", members 2 to 4, chair, not also officer cite \"3\""),
        "{text}"
    );
    let again = redress(&["fmt", "--check", &file]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
}
