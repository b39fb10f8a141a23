//! Tracks (`track NAME { … on E -> done }`, `starts TRACK`): syntax, check
//! and `fmt`, and the engine running them beside the main line.

use redress::format::format_source;

const PROCEDURE: &str = r#"procedure fx "Fixture" {
  role officer "Officer"
  start first
  step first "First" {
    lead officer
    on response_sent starts remedial_actions -> closed
  }
  track remedial_actions "Outstanding remedial actions" {
    task repair "Carry out the repairs" by officer within 10 working days
    deadline repairs 20 working days from entry met by actions_completed
    on actions_completed -> done
  }
  outcome closed "Closed"
}
"#;

#[test]
fn fmt_keeps_a_track_and_what_starts_it() {
    let formatted = format_source(PROCEDURE).expect("formats");
    for line in [
        "on response_sent starts remedial_actions -> closed",
        "track remedial_actions \"Outstanding remedial actions\" {",
        "task repair \"Carry out the repairs\" by officer within 10 working days",
        "deadline repairs 20 working days from entry met by actions_completed",
        "on actions_completed -> done",
    ] {
        assert!(formatted.contains(line), "lost `{line}`:\n{formatted}");
    }
    assert_eq!(
        format_source(&formatted).as_deref(),
        Some(formatted.as_str())
    );
}

#[test]
fn a_track_that_finishes_and_is_started_by_name_checks_clean() {
    let dir = crate::support::scratch("tracks-clean");
    let path = dir.join("tracks.proc");
    std::fs::write(&path, PROCEDURE).expect("writes");
    let out = crate::support::redress(&["check", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("0 errors, 0 warnings"), "{said}");
}

/// Replays `events` (YAML flow lines) against PROCEDURE as of `at`, as JSON.
fn run_json(procedure: &str, name: &str, events: &[&str], at: &str) -> (i32, serde_json::Value) {
    let dir = crate::support::scratch(name);
    let proc_path = dir.join("tracks.proc");
    std::fs::write(&proc_path, procedure).expect("writes");
    let case_path = dir.join("case.yaml");
    let mut case = String::from("procedure: fx\ncase: T-1\nevents:\n");
    for e in events {
        case.push_str(&format!("  - {e}\n"));
    }
    std::fs::write(&case_path, case).expect("writes");
    let out = crate::support::redress(&[
        "run",
        proc_path.to_str().expect("utf-8 path"),
        case_path.to_str().expect("utf-8 path"),
        "--at",
        at,
        "--format",
        "json",
    ]);
    let json = match out.code {
        0 => serde_json::from_str(&out.stdout).unwrap_or(serde_json::Value::Null),
        _ => serde_json::Value::String(out.stderr.clone()),
    };
    (out.code, json)
}

// Dates by hand over the England and Wales calendar: the track starts on
// Tuesday 3 March 2026; 20 working days after it (4-6, 9-13, 16-20, 23-27,
// 30-31 March) is Tuesday 31 March, and the task's 10 working days end on
// Tuesday 17 March. From 31 March to Monday 20 April, skipping Good Friday
// (3 April) and Easter Monday (6 April), is 12 working days late.
const RECEIVED: &str = "{ on: 2026-03-02, event: received }";
const RESPONSE: &str = "{ on: 2026-03-03, event: response_sent }";

#[test]
fn a_track_done_in_time_leaves_the_case_fully_closed() {
    let (code, json) = run_json(
        PROCEDURE,
        "tracks-done",
        &[
            RECEIVED,
            RESPONSE,
            "{ on: 2026-03-10, event: repair }",
            "{ on: 2026-03-30, event: actions_completed }",
        ],
        "2026-04-20",
    );
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["status"], "closed");
    assert!(json.get("open_tracks").is_none(), "{json}");
    assert_eq!(json["tracks"][0]["status"], "done");
    assert_eq!(json["tracks"][0]["done_on"], "2026-03-30");
    assert_eq!(json["tracks"][0]["deadlines"][0]["due"], "2026-03-31");
    assert_eq!(json["breaches"], serde_json::json!([]));
}

#[test]
fn a_track_keeps_its_deadline_after_the_case_closes() {
    let (code, json) = run_json(
        PROCEDURE,
        "tracks-open",
        &[RECEIVED, RESPONSE],
        "2026-04-20",
    );
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["status"], "closed");
    assert_eq!(json["open_tracks"], 1);
    assert_eq!(json["tracks"][0]["status"], "running");
    let breaches = json["breaches"].as_array().expect("breaches");
    let repairs = breaches
        .iter()
        .find(|b| b["deadline"] == "repairs")
        .expect("the track's deadline is breached");
    assert_eq!(repairs["step"], "remedial_actions");
    assert_eq!(repairs["due"], "2026-03-31");
    assert_eq!(repairs["late_working_days"], 12);
    let task = breaches.iter().find(|b| b["deadline"] == "repair");
    assert_eq!(task.map(|b| b["due"].clone()), Some("2026-03-17".into()));
}

#[test]
fn the_human_report_says_the_case_is_not_fully_closed() {
    let dir = crate::support::scratch("tracks-human");
    let proc_path = dir.join("tracks.proc");
    std::fs::write(&proc_path, PROCEDURE).expect("writes");
    let case_path = dir.join("case.yaml");
    std::fs::write(
        &case_path,
        format!("procedure: fx\ncase: T-1\nevents:\n  - {RECEIVED}\n  - {RESPONSE}\n"),
    )
    .expect("writes");
    let out = crate::support::redress(&[
        "run",
        proc_path.to_str().expect("utf-8 path"),
        case_path.to_str().expect("utf-8 path"),
        "--at",
        "2026-03-20",
    ]);
    assert!(
        out.stdout
            .contains("Outcome reached, 1 track still open: not fully closed"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("repairs            due 2026-03-31, 7 working days left"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_track_event_before_the_track_starts_is_refused() {
    let (code, json) = run_json(
        PROCEDURE,
        "tracks-refused",
        &[RECEIVED, "{ on: 2026-03-03, event: actions_completed }"],
        "2026-03-20",
    );
    assert_eq!(code, 1, "{json}");
    let said = json.to_string();
    assert!(
        said.contains("E0801") && said.contains("track `remedial_actions` has not started"),
        "{said}"
    );
}

/// A step that stays put on `promised`, so a case can start its track twice.
const LOOPING: &str = r#"procedure fx "Fixture" {
  role officer "Officer"
  start first
  step first "First" {
    lead officer
    on promised starts remedial_actions -> first
    on response_sent -> closed
  }
  track remedial_actions "Outstanding remedial actions" {
    deadline repairs 20 working days from entry met by actions_completed
    on actions_completed -> done
  }
  outcome closed "Closed"
}
"#;

#[test]
fn starting_a_running_track_again_keeps_its_due_dates() {
    let (code, json) = run_json(
        LOOPING,
        "tracks-again",
        &[
            RECEIVED,
            "{ on: 2026-03-03, event: promised }",
            "{ on: 2026-03-10, event: promised }",
        ],
        "2026-03-20",
    );
    assert_eq!(code, 0, "{json}");
    let tracks = json["tracks"].as_array().expect("tracks");
    assert_eq!(tracks.len(), 1, "{json}");
    assert_eq!(tracks[0]["started"], "2026-03-03");
    assert_eq!(tracks[0]["deadlines"][0]["due"], "2026-03-31");
    assert!(json["timeline"]
        .to_string()
        .contains("already running since 2026-03-03"));
}

#[test]
fn a_finished_track_starts_afresh() {
    // From Wednesday 11 March, 20 working days (12-13, 16-20, 23-27,
    // 30 March-2 April, 7-10 April past Good Friday and Easter Monday) end
    // on Friday 10 April.
    let (code, json) = run_json(
        LOOPING,
        "tracks-afresh",
        &[
            RECEIVED,
            "{ on: 2026-03-03, event: promised }",
            "{ on: 2026-03-10, event: actions_completed }",
            "{ on: 2026-03-11, event: promised }",
        ],
        "2026-03-20",
    );
    assert_eq!(code, 0, "{json}");
    let tracks = json["tracks"].as_array().expect("tracks");
    assert_eq!(tracks.len(), 2, "{json}");
    assert_eq!(tracks[1]["deadlines"][0]["due"], "2026-04-10");
    assert_eq!(json["open_tracks"], 1);
}

#[test]
fn paths_list_a_tracks_own_bound_apart_from_the_main_line() {
    let dir = crate::support::scratch("tracks-paths");
    let path = dir.join("tracks.proc");
    std::fs::write(&path, PROCEDURE).expect("writes");
    let out = crate::support::redress(&[
        "paths",
        path.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    // The main line has no time limit of its own: the track's 20 working
    // days do not lengthen it.
    assert_eq!(json["longest_worst_case"], 0);
    assert_eq!(json["tracks"][0]["track"], "remedial_actions");
    assert_eq!(json["tracks"][0]["longest_working_days"], 20);
    assert_eq!(
        json["tracks"][0]["started_by"],
        serde_json::json!(["first -[response_sent]->"])
    );
}

#[test]
fn simulate_plays_each_started_track_and_counts_its_breaches() {
    let dir = crate::support::scratch("tracks-simulate");
    let path = dir.join("tracks.proc");
    std::fs::write(&path, PROCEDURE).expect("writes");
    let assumptions = dir.join("assumptions.yaml");
    // The repairs always take 30 working days: every track's 20-day
    // deadline is breached; the task, done on day 5, never is.
    std::fs::write(
        &assumptions,
        "durations:\n  actions_completed: { fixed: 30 }\n  repair: { fixed: 5 }\n",
    )
    .expect("writes");
    let out = crate::support::redress(&[
        "simulate",
        path.to_str().expect("utf-8 path"),
        "--cases",
        "50",
        "--assumptions",
        assumptions.to_str().expect("utf-8 path"),
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let breaches = json["breaches"].as_array().expect("breaches");
    let rate = |name: &str| {
        breaches
            .iter()
            .find(|b| b["step"] == "remedial_actions" && b["deadline"] == name)
            .map(|b| (b["ran"].clone(), b["breached"].clone()))
    };
    assert_eq!(rate("repairs"), Some((50.into(), 50.into())));
    assert_eq!(rate("repair"), Some((50.into(), 0.into())));
}

#[test]
fn status_lists_a_running_tracks_deadline_after_the_case_has_closed() {
    // Riverside case 17, as of Monday 20 April 2026: resolved on 10 April,
    // its repairs (due Thursday 9 April) 7 working days late.
    let out = crate::support::redress(&[
        "status",
        "examples/riverside/17-repairs-overdue-after-the-case-closed.yaml",
        "--procedures",
        "examples/riverside",
        "--at",
        "2026-04-20",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let overdue = json["overdue"].as_array().expect("overdue");
    let repairs = overdue
        .iter()
        .find(|i| i["item"] == "repairs")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(repairs["step"], "remedial_actions");
    assert_eq!(repairs["due"], "2026-04-09");
    assert_eq!(repairs["working_days"], 7);
}

#[test]
fn expect_tracks_fails_when_the_track_is_not_in_that_state() {
    let dir = crate::support::scratch("tracks-expect");
    let case =
        std::fs::read_to_string("examples/riverside/17-repairs-overdue-after-the-case-closed.yaml")
            .expect("reads");
    let wrong = case.replace(
        "tracks: { remedial_actions: running }",
        "tracks: { remedial_actions: done }",
    );
    assert_ne!(case, wrong);
    std::fs::copy(
        "examples/riverside/riverside.proc",
        dir.join("riverside.proc"),
    )
    .expect("copies");
    std::fs::write(dir.join("17.yaml"), wrong).expect("writes");
    let out = crate::support::redress(&["test", dir.to_str().expect("utf-8 path")]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("tracks.remedial_actions"),
        "{}",
        out.stdout
    );
}

#[test]
fn graph_draws_a_track_as_a_subgraph_started_by_a_dashed_edge() {
    let dir = crate::support::scratch("tracks-graph");
    let path = dir.join("tracks.proc");
    std::fs::write(&path, PROCEDURE).expect("writes");
    let path = path.to_str().expect("utf-8 path");
    let mermaid = crate::support::redress(&["graph", path]);
    assert_eq!(mermaid.code, 0, "{}", mermaid.stderr);
    assert!(
        mermaid
            .stdout
            .contains("subgraph t_n_remedial_actions_track"),
        "{}",
        mermaid.stdout
    );
    assert!(
        mermaid
            .stdout
            .contains("n_first -.->|\"response_sent starts\"| t_n_remedial_actions"),
        "{}",
        mermaid.stdout
    );
    let dot = crate::support::redress(&["graph", "--format", "dot", path]);
    assert!(
        dot.stdout.contains("subgraph cluster_t_n_remedial_actions"),
        "{}",
        dot.stdout
    );
    assert!(
        dot.stdout.contains(
            "n_first -> t_n_remedial_actions [label=\"response_sent starts\", style=dashed]"
        ),
        "{}",
        dot.stdout
    );
}

#[test]
fn doc_and_the_leaflet_say_what_a_track_is_in_plain_words() {
    let riverside = "examples/riverside/riverside.proc";
    let doc = crate::support::redress(&["doc", riverside]);
    assert_eq!(doc.code, 0, "{}", doc.stderr);
    for line in [
        "## Work that runs beside the steps",
        "Starts with “response sent” in “Stage 1: response by the service”, when the stage 1 response promises repairs.",
        "- **Repairs** (met by “repairs completed”): 20 working days from the day it starts.",
        "Finished by “repairs completed”.",
    ] {
        assert!(doc.stdout.contains(line), "lost `{line}`:\n{}", doc.stdout);
    }
    let leaflet = crate::support::redress(&["doc", "--audience", "complainant", riverside]);
    assert!(
        leaflet
            .stdout
            .contains("keep running even after your complaint is closed. From the day it starts: Repairs: 20 working days"),
        "{}",
        leaflet.stdout
    );
}

#[test]
fn diff_sees_a_change_to_a_track_and_to_what_starts_it() {
    let dir = crate::support::scratch("tracks-diff");
    let old = dir.join("old.proc");
    let new = dir.join("new.proc");
    std::fs::write(&old, PROCEDURE).expect("writes");
    let changed = PROCEDURE
        .replace(
            "deadline repairs 20 working days",
            "deadline repairs 25 working days",
        )
        .replace(
            "on response_sent starts remedial_actions -> closed",
            "on response_sent -> closed",
        );
    std::fs::write(&new, changed).expect("writes");
    let out = crate::support::redress(&[
        "diff",
        old.to_str().expect("utf-8 path"),
        new.to_str().expect("utf-8 path"),
    ]);
    assert!(
        out.stdout
            .contains("deadline repairs › duration: 20 working days → 25 working days"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("starts"), "{}", out.stdout);
}
