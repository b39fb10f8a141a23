//! Routes inside an `outcome` block, as a case handler sees them in
//! `redress run` and a policy owner in `check`, `fmt`, `doc` and `assess`.
//! The cases are examples/outcome-routes/, whose comments work every date.

use crate::support::{redress, root, scratch};

const PROC: &str = "examples/outcome-routes/remedy-review.proc";

fn case(name: &str) -> String {
    format!("examples/outcome-routes/{name}.yaml")
}

/// `run` as a person reads it.
fn human(case_name: &str, at: &str) -> String {
    let run = redress(&["run", PROC, &case(case_name), "--at", at]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout
}

/// The routes of `run --format json`.
fn routes(case_name: &str, at: &str) -> Vec<serde_json::Value> {
    let run = redress(&[
        "run",
        PROC,
        &case(case_name),
        "--at",
        at,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    json["routes"].as_array().cloned().unwrap_or_default()
}

#[test]
fn while_the_case_is_open_the_route_waits_for_its_outcome() {
    let out = human("01-before-the-outcome", "2026-03-10");
    assert!(
        out.contains(
            "route     not yet open reviewer: The Independent Remedy Reviewer (only after outcome upheld)"
        ),
        "{out}"
    );
    let r = routes("01-before-the-outcome", "2026-03-10");
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0]["state"], "not yet open");
    assert_eq!(r[0]["after_outcome"], "upheld");
    assert_eq!(r[0]["why_not"], "only after the outcome `upheld`");
    assert_eq!(r[0]["closes"], serde_json::Value::Null);
}

#[test]
fn upheld_the_route_opens_that_day_and_closes_3_months_later() {
    // Upheld on Friday 20 March 2026; 3 months later is Saturday 20 June
    // 2026 (the same day of the month; worked by hand in the case).
    let out = human("02-upheld-last-day", "2026-03-20");
    assert!(
        out.contains(
            "route     open      reviewer: The Independent Remedy Reviewer (until 2026-06-20)"
        ),
        "{out}"
    );
    assert!(
        out.contains("because the case closed with the outcome `upheld`; open until 2026-06-20"),
        "{out}"
    );
    for at in ["2026-03-20", "2026-06-20"] {
        let r = routes("02-upheld-last-day", at);
        assert_eq!(r[0]["state"], "open", "{at}: {r:?}");
        assert_eq!(r[0]["closes"], "2026-06-20", "{at}: {r:?}");
    }
}

#[test]
fn upheld_the_route_has_closed_the_day_after_its_window() {
    let out = human("03-upheld-window-ended", "2026-06-21");
    assert!(
        out.contains(
            "route     closed    reviewer: The Independent Remedy Reviewer (closed 2026-06-20)"
        ),
        "{out}"
    );
    let r = routes("03-upheld-window-ended", "2026-06-21");
    assert_eq!(r[0]["state"], "closed");
    assert_eq!(
        r[0]["because"],
        "its window ended on 2026-06-20 (it counts from 2026-03-20)"
    );
}

#[test]
fn not_upheld_the_route_is_not_listed_at_all() {
    for at in ["2026-03-20", "2026-05-01"] {
        assert!(routes("04-not-upheld", at).is_empty(), "{at}");
        let out = human("04-not-upheld", at);
        assert!(!out.contains("reviewer"), "{at}: {out}");
    }
}

/// A procedure with `outcome` written as given, and an ombudsman.
fn procedure(name: &str, outcome: &str) -> String {
    let dir = scratch(name);
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join("p.proc");
    std::fs::write(
        &path,
        format!("procedure p \"P\" {{\n  role officer \"Officer\"\n  fact serious: bool \"Serious\"\n  body ombudsman ombudsman \"The Ombudsman\"\n  start stage1\n  step stage1 \"Stage 1\" {{\n    lead officer\n    on upheld_sent when serious -> upheld\n    on upheld_sent when not serious -> other\n  }}\n{outcome}\n  outcome other \"Other\"\n}}\n"),
    )
    .expect("write");
    path.display().to_string()
}

#[test]
fn a_condition_false_once_closed_is_refused_and_one_that_can_hold_is_not() {
    for (guard, refused) in [
        ("not closed", true),
        ("serious and not closed", true),
        ("serious or not closed", false),
        ("closed", false),
    ] {
        let path = procedure(
            "outcome-routes-never",
            &format!("  outcome upheld \"Upheld\" {{\n    route to ombudsman when {guard}\n  }}"),
        );
        let check = redress(&["check", &path]);
        assert_eq!(check.code, i32::from(refused), "{guard}: {}", check.stderr);
        assert_eq!(
            check.stderr.contains("E0438"),
            refused,
            "{guard}: {}",
            check.stderr
        );
    }
}

#[test]
fn fmt_lays_out_the_block_and_doc_says_which_outcome_opens_the_route() {
    let path = procedure(
        "outcome-routes-fmt",
        "  outcome upheld final \"Complaint upheld\" cite \"3\" {   route to ombudsman   within 6 months of closed\n note \"Remedies only.\" }",
    );
    let fmt = redress(&["fmt", &path]);
    assert_eq!(fmt.code, 0, "{}", fmt.stderr);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(
        text.contains("  outcome upheld final \"Complaint upheld\" cite \"3\" {\n    route to ombudsman within 6 months of closed\n    note \"Remedies only.\"\n  }\n"),
        "{text}"
    );
    let again = redress(&["fmt", "--check", &path]);
    assert_eq!(
        again.code, 0,
        "formatting twice changes nothing: {}",
        again.stdout
    );

    let doc = redress(&["doc", &path]);
    assert_eq!(doc.code, 0, "{}", doc.stderr);
    assert!(
        doc.stdout.contains(
            "- If the outcome is upheld, the complainant may go to The Ombudsman within 6 months of the outcome."
        ),
        "{}",
        doc.stdout
    );
    let leaflet = redress(&["doc", "--audience", "complainant", &path]);
    assert_eq!(leaflet.code, 0, "{}", leaflet.stderr);
    assert!(
        leaflet.stdout.contains(
            "If your complaint ends “Complaint upheld”:\n\n- You can go to the Ombudsman for 6 months after we close your complaint."
        ),
        "{}",
        leaflet.stdout
    );
}

#[test]
fn assess_finds_a_route_only_after_one_outcome_narrower_and_points_at_its_line() {
    let dir = scratch("outcome-routes-assess");
    std::fs::create_dir_all(&dir).expect("folder");
    let text = std::fs::read_to_string(root().join("tests/fixtures/assess/complies.proc"))
        .expect("fixture")
        .replace("  route to hos\n", "")
        .replace(
            "  outcome closed \"Closed\"",
            "  outcome closed \"Closed\" {\n    route to hos\n  }",
        );
    std::fs::write(dir.join("narrow.proc"), &text).expect("write");
    let mapping =
        std::fs::read_to_string(root().join("tests/fixtures/assess/complies.follows.yaml"))
            .expect("fixture");
    std::fs::write(dir.join("narrow.follows.yaml"), mapping).expect("write");
    let proc = dir.join("narrow.proc");
    let run = redress(&[
        "assess",
        proc.to_str().expect("path"),
        "--against",
        "tests/fixtures/assess/standard.proc",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let five = json["provisions"]
        .as_array()
        .expect("provisions")
        .iter()
        .find(|p| p["provision"] == "5")
        .expect("provision 5")
        .clone();
    let f = &five["findings"][0];
    assert_eq!(f["complies"], "no", "{f}");
    assert_eq!(
        f["comment"],
        "only after the outcome closed; the standard's is open whatever the outcome"
    );
    let line = text
        .lines()
        .position(|l| l.trim() == "route to hos")
        .expect("the route")
        + 1;
    assert_eq!(f["line"].as_u64(), Some(line as u64), "{f}");
}

#[test]
fn a_referral_in_an_outcome_block_is_refused_with_what_the_block_takes() {
    let path = procedure(
        "outcome-routes-refer",
        "  outcome upheld \"Upheld\" {\n    refer to ombudsman immediately\n  }",
    );
    let check = redress(&["check", &path]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(
        check.stderr.contains("E0101")
            && check.stderr.contains("found `refer`")
            && check
                .stderr
                .contains("inside an outcome: `route to BODY …` lines and `note`"),
        "{}",
        check.stderr
    );
}

#[test]
fn diff_reads_a_route_moved_into_an_outcome_as_one_narrowed_to_it() {
    let old = procedure(
        "outcome-routes-diff-old",
        "  route to ombudsman when closed\n  outcome upheld \"Upheld\"",
    );
    let new = procedure(
        "outcome-routes-diff-new",
        "  outcome upheld \"Upheld\" {\n    route to ombudsman when closed\n  }",
    );
    let diff = redress(&["diff", &old, &new]);
    assert!(
        diff.stdout
            .contains("outcome upheld\n  + route to ombudsman\nprocedure\n  - route to ombudsman"),
        "{}{}",
        diff.stdout,
        diff.stderr
    );
}
