//! The rules about people, fixed facts, notices, referrals and tracks as a
//! case handler meets them in `redress run`, `doc` and `graph`.

use crate::support::redress;

const RIVERSIDE: &str = "examples/riverside/riverside.proc";

#[test]
fn run_shows_who_holds_each_role() {
    let case = "examples/riverside/06-everything-done-right.yaml";
    let run = redress(&["run", RIVERSIDE, case, "--at", "2026-03-20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The case names the officer and reviewer; the independent person is
    // known only from the event that names them.
    assert!(
        run.stdout.contains(
            "People: officer: A. Patel; reviewer: B. Jones; independent_person: C. Okafor"
        ),
        "{}",
        run.stdout
    );
    let json = redress(&[
        "run",
        RIVERSIDE,
        case,
        "--at",
        "2026-03-20",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["people"][0]["role"], "officer");
    assert_eq!(v["people"][0]["person"], "A. Patel");
}

#[test]
fn a_case_with_no_people_has_no_people_in_its_report() {
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        "examples/cafcass/01-resolved-at-step1.yaml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v.get("people").is_none(), "{}", run.stdout);
}

#[test]
fn doc_and_graph_state_the_rules_about_people_and_fixed_facts() {
    let doc = redress(&["doc", RIVERSIDE]);
    assert_eq!(doc.code, 0, "{}", doc.stderr);
    for line in [
        "## Who may act",
        "“Stage 2: review by a senior officer” is led by someone other than the person who led “Stage 1: response by the service”",
        "may not also be the Stage 1 complaints officer",
        "## Facts that may not change",
        "(`consent_to_share`)",
    ] {
        assert!(doc.stdout.contains(line), "{line}: {}", doc.stdout);
    }
    let graph = redress(&["graph", RIVERSIDE]);
    assert!(
        graph
            .stdout
            .contains("lead: reviewer, not the lead of stage1"),
        "{}",
        graph.stdout
    );
}

#[test]
fn an_immediate_referral_made_two_days_later_is_a_breach_and_one_not_made_is_overdue() {
    let case = "examples/riverside/05-safeguarding-referral-made-late.yaml";
    let run = redress(&[
        "run",
        RIVERSIDE,
        case,
        "--at",
        "2026-03-09",
        "--format",
        "json",
    ]);
    // Two cases in the file: a JSON array, one report each.
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let late = &v[0];
    assert_eq!(late["referrals"][0]["status"], "made_late");
    assert_eq!(late["referrals"][0]["due"], "2026-03-02");
    assert_eq!(late["breaches"][0]["deadline"], "safeguarding");
    // Due Monday 2 March, made Wednesday 4 March: Tuesday and Wednesday.
    assert_eq!(late["breaches"][0]["late_working_days"], 2);
    let unmade = &v[1];
    assert_eq!(unmade["referrals"][0]["status"], "overdue");
    assert_eq!(unmade["referrals"][0]["since"], "2026-03-05");
    // Due Thursday 5 March; as of Monday 9 March: Friday 6 and Monday 9.
    assert_eq!(unmade["breaches"][0]["late_working_days"], 2);
    let doc = redress(&["doc", RIVERSIDE]);
    assert!(
        doc.stdout
            .contains("due the same day the condition is known; record it as `referred`"),
        "{}",
        doc.stdout
    );
}

#[test]
fn doc_lists_each_notice_as_a_checklist() {
    let doc = redress(&["doc", RIVERSIDE]);
    for line in [
        "### Stage 2 final response (`final_response`)",
        "- [ ] Reasons (`reasons`)",
        "- [ ] Ombudsman contact (`ombudsman_contact`)",
    ] {
        assert!(doc.stdout.contains(line), "{line}: {}", doc.stdout);
    }
}
