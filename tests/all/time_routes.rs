//! Routes whose conditions read time, as a complainant asking "can I go to
//! the ombudsman yet?" would see them in `redress run`.

use crate::support::{redress, scratch};

/// A procedure whose route opens once 8 weeks have passed since the
/// complaint was received, and a case received on it.
fn files(name: &str) -> (String, String) {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).expect("folder");
    let proc_path = dir.join("p.proc");
    std::fs::write(
        &proc_path,
        "procedure p \"P\" {\n  role officer \"Officer\"\n  body ombudsman ombudsman \"The Ombudsman\"\n  route to ombudsman when today >= received + 8 weeks\n  start stage1\n  step stage1 \"Stage 1\" {\n    lead officer\n    on response_sent -> resolved\n  }\n  outcome resolved final \"Resolved\"\n}\n",
    )
    .expect("write");
    let case_path = dir.join("case.yaml");
    std::fs::write(
        &case_path,
        "procedure: p\ncase: X\nevents:\n  - { on: 2026-03-02, event: received }\n",
    )
    .expect("write");
    (
        proc_path.display().to_string(),
        case_path.display().to_string(),
    )
}

#[test]
fn a_route_reading_today_is_decided_on_the_as_of_date() {
    // Received Monday 2 March 2026; 8 weeks (56 days) later is Monday 27
    // April 2026 (worked by hand: 29 days to 31 March, 27 more in April).
    let (procedure, case) = files("time-routes-today");
    for (at, open) in [("2026-04-26", false), ("2026-04-27", true)] {
        let run = redress(&["run", &procedure, &case, "--at", at, "--format", "json"]);
        assert_eq!(run.code, 0, "{at}: {}{}", run.stdout, run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        let route = &json["routes"][0];
        assert_eq!(route["open"], open, "{at}: {route}");
        if !open {
            assert_eq!(
                route["why_not"], "its condition does not hold",
                "{at}: {route}"
            );
        }
    }
}
