//! A rejection that must be explained in writing (`reject … requires
//! notice N [within D]`, and the same on a `refuse`): the notice owed from
//! the day of the rejection, accepted after the outcome, late or unsent a
//! breach; in `check`, `run`, `status`, `simulate` and `fmt`.

use redress::format::format_source;
use serde_json::Value;

use crate::support::{redress, scratch};

const PROCEDURE: &str = r#"procedure fx "Fixture" {
  role officer "Officer"
  role complainant "Complainant"
  fact too_old: bool "The complaint is too old"
  fact abusive: bool "The complaint is abusive"
  fact excluded: bool "An exclusion applies at the second step"
  notice refusal_letter to complainant "Refusal letter" includes reasons
  notice other_letter to complainant "Another letter"
  start first
  step first "First" {
    lead officer
    reject when abusive "Resubmit it politely" requires notice refusal_letter
    reject when too_old "Too old" -> out_of_time requires notice refusal_letter within 5 working days cite "2"
    on responded by complainant -> second
  }
  step second "Second" {
    lead officer
    refuse when excluded "An exclusion applies" -> refused_entry requires notice refusal_letter
    on decided -> closed
  }
  outcome out_of_time "Out of time"
  outcome refused_entry "Not taken to the second step"
  outcome closed "Closed"
}
"#;

// Dates by hand over the England and Wales calendar. A complaint received
// on Monday 30 March 2026 and rejected as too old owes its letter within 5
// working days: Tuesday 31 March (1), Wednesday 1 (2), Thursday 2 April
// (3); Good Friday 3 and Easter Monday 6 April are bank holidays; Tuesday
// 7 (4), Wednesday 8 April (5). As of Friday 10 April it is 2 working days
// late (9, 10); sent on Tuesday 14 April, 4 (9, 10, 13, 14).
const RECEIVED: &str = "{ on: 2026-03-30, event: received }";
const LETTER_LATE: &str =
    "{ on: 2026-04-14, event: notice, notice: refusal_letter, includes: [reasons] }";

fn files(name: &str, facts: &str, events: &[&str]) -> (String, String) {
    let dir = scratch(name);
    let proc_path = dir.join("fx.proc");
    std::fs::write(&proc_path, PROCEDURE).expect("writes");
    let mut case = format!("procedure: fx\ncase: R-1\nfacts:\n{facts}events:\n");
    for e in events {
        case.push_str(&format!("  - {e}\n"));
    }
    let case_path = dir.join("case.yaml");
    std::fs::write(&case_path, case).expect("writes");
    (
        proc_path.to_string_lossy().into_owned(),
        case_path.to_string_lossy().into_owned(),
    )
}

const TOO_OLD: &str = "  too_old: true\n  abusive: false\n  excluded: false\n";

/// `run --format json` as of `at`; the exit code and the report (or the
/// standard error, when the replay stops).
fn run_json(name: &str, facts: &str, events: &[&str], at: &str) -> (i32, Value) {
    let (proc_path, case_path) = files(name, facts, events);
    let out = redress(&[
        "run", &proc_path, &case_path, "--at", at, "--format", "json",
    ]);
    let json = match out.code {
        0 => serde_json::from_str(&out.stdout).unwrap_or(Value::Null),
        _ => Value::String(out.stderr.clone()),
    };
    (out.code, json)
}

#[test]
fn a_rejections_letter_is_due_then_overdue_and_the_case_not_fully_closed() {
    let (code, json) = run_json("rn-due", TOO_OLD, &[RECEIVED], "2026-04-08");
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["status"], "closed");
    assert_eq!(json["outcome"]["name"], "out_of_time");
    assert_eq!(json["open_notices"], 1);
    let owed = &json["notices_owed"][0];
    assert_eq!(owed["notice"], "refusal_letter");
    assert_eq!(owed["to"], "complainant");
    assert_eq!(owed["by"], "officer");
    assert_eq!(owed["step"], "first");
    assert_eq!(owed["since"], "2026-03-30");
    assert_eq!(owed["due"], "2026-04-08");
    assert_eq!(owed["status"], "due");
    assert_eq!(json["breaches"], serde_json::json!([]));

    let (_, json) = run_json("rn-overdue", TOO_OLD, &[RECEIVED], "2026-04-10");
    assert_eq!(json["notices_owed"][0]["status"], "overdue");
    assert_eq!(json["notices_owed"][0]["late_working_days"], 2);
    let breach = &json["breaches"][0];
    assert_eq!(breach["step"], "first");
    assert_eq!(breach["deadline"], "refusal_letter");
    assert_eq!(breach["due"], "2026-04-08");
    assert_eq!(breach["met_on"], Value::Null);
    assert_eq!(breach["late_working_days"], 2);
    assert_eq!(breach["cite"], serde_json::json!(["2"]));
}

#[test]
fn a_letter_after_the_outcome_is_accepted_and_late_is_a_breach() {
    let (code, json) = run_json("rn-late", TOO_OLD, &[RECEIVED, LETTER_LATE], "2026-04-15");
    assert_eq!(code, 0, "{json}");
    assert!(json.get("open_notices").is_none(), "{json}");
    let owed = &json["notices_owed"][0];
    assert_eq!(owed["status"], "sent_late");
    assert_eq!(owed["sent_on"], "2026-04-14");
    assert_eq!(owed["late_working_days"], 4);
    let breach = &json["breaches"][0];
    assert_eq!(breach["met_on"], "2026-04-14");
    assert_eq!(breach["late_working_days"], 4);

    let (proc_path, case_path) = files("rn-late-human", TOO_OLD, &[RECEIVED, LETTER_LATE]);
    let out = redress(&["run", &proc_path, &case_path, "--at", "2026-04-15"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "refusal_letter \"Refusal letter\" to complainant, by officer, for the rejection in first on 2026-03-30: sent 2026-04-14, LATE (due 2026-04-08, 4 working days late)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Too old (refusal_letter to complainant owed by 2026-04-08)"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("still owed"), "{}", out.stdout);
}

#[test]
fn the_human_report_says_a_notice_is_still_owed() {
    let (proc_path, case_path) = files("rn-human", TOO_OLD, &[RECEIVED]);
    let out = redress(&["run", &proc_path, &case_path, "--at", "2026-04-10"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Outcome reached, 1 notice still owed: not fully closed until it is sent"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("OVERDUE: due 2026-04-08, 2 working days late"),
        "{}",
        out.stdout
    );
}

#[test]
fn after_the_outcome_only_the_owed_notice_is_accepted_and_only_once() {
    // Another notice, not owed: refused as any event after the end is.
    let other = "{ on: 2026-04-01, event: notice, notice: other_letter }";
    let (code, stderr) = run_json("rn-other", TOO_OLD, &[RECEIVED, other], "2026-04-15");
    assert_eq!(code, 1);
    assert!(stderr.to_string().contains("E0806"), "{stderr}");
    // The owed one again, once sent.
    let on_time = "{ on: 2026-04-01, event: notice, notice: refusal_letter, includes: [reasons] }";
    let (code, stderr) = run_json(
        "rn-twice",
        TOO_OLD,
        &[RECEIVED, on_time, LETTER_LATE],
        "2026-04-15",
    );
    assert_eq!(code, 1);
    assert!(stderr.to_string().contains("E0806"), "{stderr}");
    // The owed one, leaving out what it must say: refused for that.
    let bare = "{ on: 2026-04-01, event: notice, notice: refusal_letter, includes: [] }";
    let (code, stderr) = run_json("rn-bare", TOO_OLD, &[RECEIVED, bare], "2026-04-15");
    assert_eq!(code, 1);
    assert!(
        stderr.to_string().contains("E0824") && stderr.to_string().contains("reasons"),
        "{stderr}"
    );
    // In time: no breach, nothing owed.
    let (code, json) = run_json("rn-in-time", TOO_OLD, &[RECEIVED, on_time], "2026-04-15");
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["notices_owed"][0]["status"], "sent");
    assert_eq!(json["breaches"], serde_json::json!([]));
}

#[test]
fn a_complaint_turned_away_owes_its_letter_the_same_day() {
    let facts = "  too_old: false\n  abusive: true\n  excluded: false\n";
    // Monday 30 March; as of Tuesday 31 March, 1 working day late.
    let (code, json) = run_json("rn-away", facts, &[RECEIVED], "2026-03-31");
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["status"], "open");
    assert_eq!(json["active"][0]["rejected"], "Resubmit it politely");
    assert_eq!(json["notices_owed"][0]["due"], "2026-03-30");
    assert_eq!(json["notices_owed"][0]["status"], "overdue");
    assert_eq!(json["breaches"][0]["late_working_days"], 1);
    let same_day = "{ on: 2026-03-30, event: notice, notice: refusal_letter, includes: [reasons] }";
    let (code, json) = run_json("rn-away-sent", facts, &[RECEIVED, same_day], "2026-03-31");
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["notices_owed"][0]["status"], "sent");
    assert_eq!(json["breaches"], serde_json::json!([]));
}

#[test]
fn a_refused_step_owes_its_letter_too() {
    let facts = "  too_old: false\n  abusive: false\n  excluded: true\n";
    let responded = "{ on: 2026-03-31, event: responded, by: complainant }";
    let (code, json) = run_json("rn-refused", facts, &[RECEIVED, responded], "2026-03-31");
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["outcome"]["name"], "refused_entry");
    let owed = &json["notices_owed"][0];
    assert_eq!(owed["step"], "second");
    assert_eq!(owed["explains"], "refused");
    assert_eq!(owed["due"], "2026-03-31");
    assert_eq!(owed["status"], "due");
}

#[test]
fn status_lists_the_letter_outstanding_then_overdue() {
    let (proc_path, case_path) = files("rn-status", TOO_OLD, &[RECEIVED]);
    let dir = std::path::Path::new(&proc_path)
        .parent()
        .expect("folder")
        .to_string_lossy()
        .into_owned();
    let status = |at: &str| -> Value {
        let out = redress(&[
            "status",
            &case_path,
            "--procedures",
            &dir,
            "--at",
            at,
            "--format",
            "json",
        ]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        serde_json::from_str(&out.stdout).expect("JSON")
    };
    // Thursday 2 April: 3 working days to go (Tuesday 7, Wednesday 8, and
    // Friday 3 and Monday 6 are bank holidays, so 2 April to 8 April is 2).
    let early = status("2026-04-02");
    let item = &early["outstanding"][0];
    assert_eq!(item["kind"], "notice");
    assert_eq!(item["item"], "refusal_letter");
    assert_eq!(item["due"], "2026-04-08");
    assert_eq!(item["step"], "first");
    assert_eq!(item["lead"], "officer");
    assert_eq!(item["working_days"], 2);
    assert_eq!(early["overdue"], serde_json::json!([]));
    let late = status("2026-04-10");
    let item = &late["overdue"][0];
    assert_eq!(item["kind"], "notice");
    assert_eq!(item["working_days"], 2);
    assert_eq!(late["outstanding"], serde_json::json!([]));
}

#[test]
fn an_unknown_notice_on_a_rejection_is_e0216_with_a_suggestion() {
    let dir = scratch("rn-unknown");
    let path = dir.join("fx.proc");
    std::fs::write(
        &path,
        PROCEDURE.replace(
            "-> out_of_time requires notice refusal_letter",
            "-> out_of_time requires notice refusal_leter",
        ),
    )
    .expect("writes");
    let out = redress(&["check", &path.to_string_lossy()]);
    assert_eq!(out.code, 1);
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(said.contains("E0216"), "{said}");
    assert!(said.contains("did you mean `refusal_letter`?"), "{said}");
}

#[test]
fn fmt_keeps_the_notice_and_its_time() {
    let formatted = format_source(PROCEDURE).expect("formats");
    for line in [
        "reject when abusive \"Resubmit it politely\" requires notice refusal_letter\n",
        "reject when too_old \"Too old\" -> out_of_time requires notice refusal_letter within 5 working days cite \"2\"",
        "refuse when excluded \"An exclusion applies\" -> refused_entry requires notice refusal_letter\n",
    ] {
        assert!(formatted.contains(line), "lost `{line}`:\n{formatted}");
    }
}

#[test]
fn simulation_sends_the_letters_so_no_case_stops() {
    let dir = scratch("rn-simulate");
    let proc_path = dir.join("fx.proc");
    std::fs::write(&proc_path, PROCEDURE).expect("writes");
    let assumptions = dir.join("fx.assumptions.yaml");
    std::fs::write(
        &assumptions,
        "facts:\n  too_old: 0.5\n  abusive: 0\n  excluded: 0.5\n",
    )
    .expect("writes");
    let out = redress(&[
        "simulate",
        &proc_path.to_string_lossy(),
        "--assumptions",
        &assumptions.to_string_lossy(),
        "--cases",
        "200",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["stopped_cases"], 0, "{json}");
    assert_eq!(json["unfinished"], 0, "{json}");
    let cases = |name: &str| {
        json["outcomes"]
            .as_array()
            .expect("outcomes")
            .iter()
            .find(|o| o["name"] == name)
            .map_or(0, |o| o["cases"].as_u64().unwrap_or(0))
    };
    assert!(
        cases("out_of_time") > 0 && cases("refused_entry") > 0,
        "{json}"
    );
    // Each letter owed is in the breach table, sent every time on the day.
    for (step, outcome) in [("first", "out_of_time"), ("second", "refused_entry")] {
        let row = json["breaches"]
            .as_array()
            .expect("breaches")
            .iter()
            .find(|b| b["step"] == step && b["deadline"] == "refusal_letter")
            .unwrap_or_else(|| panic!("{step}.refusal_letter: {json}"));
        assert_eq!(row["ran"].as_u64(), Some(cases(outcome)), "{json}");
        assert_eq!(row["breached"], 0, "{json}");
    }
}

// The Housing Code case of examples/housing-ombudsman/16: the letter a
// rejection owes, sent 4 working days late.
const SENT_LATE: &str =
    include_str!("../../examples/housing-ombudsman/16-out-of-time-letter-sent-late.yaml");

#[test]
fn expect_notices_names_a_notice_a_rejection_owes_and_a_state_it_can_be_in() {
    let dir = scratch("rn-expect");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("writes");
        path.to_string_lossy().into_owned()
    };
    let right = write("right.yaml", SENT_LATE);
    let run = redress(&["test", &right]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    let wrong = SENT_LATE.replace("refusal_letter: sent_late", "refusal_letter: sent");
    assert_ne!(wrong, SENT_LATE, "the example names the state");
    let run = redress(&["test", &write("wrong.yaml", &wrong)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("notices.refusal_letter: expected sent, got sent_late"),
        "{}",
        run.stdout
    );

    let misspelt = SENT_LATE.replace("notices: { refusal_letter:", "notices: { refusal_leter:");
    let run = redress(&["test", &write("misspelt.yaml", &misspelt)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("did you mean `refusal_letter`?"),
        "{}",
        run.stdout
    );
    // A notice no rejection owes is not one `notices:` can name.
    let other = SENT_LATE.replace("notices: { refusal_letter:", "notices: { extension_notice:");
    let run = redress(&["test", &write("other.yaml", &other)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains(
            "no `reject` or `refuse` of the procedure requires notice `extension_notice`"
        ),
        "{}",
        run.stdout
    );

    let state = SENT_LATE.replace("refusal_letter: sent_late", "refusal_letter: posted");
    let run = redress(&["test", &write("state.yaml", &state)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("`posted` is not an owed notice's state"),
        "{}",
        run.stdout
    );
}
