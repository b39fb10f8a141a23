//! `redress paths` on both procedures, with the counts and worst cases
//! worked out by hand.

use crate::support::redress;

fn paths(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["paths"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = redress(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).expect("JSON")
}

fn steps(path: &serde_json::Value) -> Vec<&str> {
    path["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s.as_str())
        .collect()
}

#[test]
fn cafcass_without_loops_has_six_paths_and_a_worst_case_of_135_working_days() {
    // The six ends: not reopened (rejected at Step 1); resolved at Step 1;
    // Step 2 refused; concluded at Step 2; the review's outcome stands; or
    // is substituted. The worst case runs every step once:
    //   Step 1, response 20 working days (extendable by agreement, so open-ended)
    // + Step 1 considered, the request within 3 weeks        = 15
    // + Step 2, 25 working days extended to the ceiling of 65 = 65
    // + Step 2 considered, the request within 3 weeks        = 15
    // + Step 3, the decision within 20 working days          = 20
    //                                                        = 135
    let v = paths(&["procedures/cafcass.proc", "--max-loops", "0"]);
    assert_eq!(v["paths"].as_array().map(Vec::len), Some(6));
    assert_eq!(v["longest_worst_case"], 135);
    let longest = &v["paths"][v["longest_path"].as_u64().expect("index") as usize];
    assert_eq!(
        steps(longest),
        [
            "step1",
            "step1_considered",
            "step2",
            "step2_considered",
            "step3"
        ]
    );
}

#[test]
fn cafcass_with_one_loop_has_eighteen_paths_and_a_worst_case_of_271_working_days() {
    // With each step entered at most twice, the longest path takes both
    // returns of 8.4 and ends with the Step 1 window lapsing:
    //   step1 20 + considered 15 + step2 65 + considered 15 + step3 20   (135)
    //   -> back to step2: 65 + considered 15 + step3 20                   (100)
    //   -> back to step1: 20, and the three-week window closes unused:
    //      15 working days and the day after, 16                          (36)
    //                                                                 = 271
    let v = paths(&["procedures/cafcass.proc"]);
    assert_eq!(v["max_loops"], 1);
    assert_eq!(v["paths"].as_array().map(Vec::len), Some(18));
    assert_eq!(v["longest_worst_case"], 271);
    let longest = &v["paths"][v["longest_path"].as_u64().expect("index") as usize];
    assert_eq!(longest["outcome"], "resolved_at_step1");
    assert_eq!(
        longest["events"]
            .as_array()
            .and_then(|e| e.last())
            .and_then(|e| e.as_str()),
        Some("window closed")
    );
    assert_eq!(
        longest["min_working_days"], 16,
        "the lapsed window is the one wait that cannot be shorter"
    );
    assert!(longest["open_ended"][0]
        .as_str()
        .is_some_and(|r| r.contains("extended by agreement")));
    let mut reachable: Vec<&str> = v["outcomes_reachable"]
        .as_array()
        .expect("outcomes")
        .iter()
        .filter_map(|o| o.as_str())
        .collect();
    reachable.sort();
    assert_eq!(
        reachable,
        [
            "concluded_at_step2",
            "not_reopened",
            "resolved_at_step1",
            "review_outcome_stands",
            "review_outcome_substituted",
            "step2_not_undertaken"
        ]
    );
}

#[test]
fn babicm_paths_depend_on_the_members_timescale_and_have_no_fixed_limit() {
    let v = paths(&["procedures/babicm.proc"]);
    let all = v["paths"].as_array().expect("paths");
    assert_eq!(all.len(), 14);
    assert!(
        all.iter()
            .all(|p| p["open_ended"].as_array().is_some_and(|r| !r.is_empty())),
        "BABICM sets no time limits of its own"
    );
    let through_member: Vec<_> = all
        .iter()
        .filter(|p| steps(p).contains(&"member_procedure"))
        .collect();
    assert!(!through_member.is_empty());
    assert!(through_member
        .iter()
        .all(|p| p["depends_on_facts"][0] == "member_timescale"));
    assert_eq!(v["outcomes_unreachable"].as_array().map(Vec::len), Some(0));
}

#[test]
fn human_paths_list_each_path_and_the_summary() {
    let run = redress(&["paths", "procedures/cafcass.proc"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with(
        "cafcass: 18 paths from start to an outcome (each loop taken at most 1 time)"
    ));
    assert!(run.stdout.contains("step1 -[response_sent]-> step1_considered -[window closed]-> resolved_at_step1\n     16–36 working days"));
    assert!(run.stdout.contains("longest worst case: 271 working days"));
}
