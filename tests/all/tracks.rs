//! Tracks (`track NAME { … on E -> done }`, `starts TRACK`): what is built
//! so far is syntax, check and `fmt`; the engine does not run them yet.

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
