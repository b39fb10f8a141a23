//! `redress paths` on both procedures, with the counts and worst cases
//! worked out by hand.

use redress::analysis::sample::ladder;

use crate::support::{redress, scratch};

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
fn cafcass_with_one_loop_has_sixteen_paths_and_a_worst_case_of_270_working_days() {
    // A loop is a transition back to an earlier step: Step 3 may return the
    // case to Step 1 or to Step 2 (8.4). With at most one loop, a path is
    // one of the six without loops, or runs to Step 3 and returns:
    //   to Step 1, then any of the 6 paths from Step 1          6
    //   to Step 2, then refused, concluded, stands, substituted  4
    //                                                          = 16
    // The longest returns to Step 1 and runs every step again:
    //   step1 20 + considered 15 + step2 65 + considered 15 + step3 20   (135)
    //   -> back to step1: the same again                                 (135)
    //                                                                 = 270
    // (returning to Step 2 adds only 65 + 15 + 20 = 100).
    let v = paths(&["procedures/cafcass.proc"]);
    assert_eq!(v["max_loops"], 1);
    assert_eq!(v["total_paths"], 16);
    assert_eq!(v["paths"].as_array().map(Vec::len), Some(16));
    assert_eq!(v["paths_not_listed"], 0);
    assert_eq!(v["truncated"], false);
    assert_eq!(v["longest_worst_case"], 270);
    let longest = &v["paths"][v["longest_path"].as_u64().expect("index") as usize];
    assert_eq!(longest, &v["longest"]);
    assert_eq!(longest["outcome"], "review_outcome_stands");
    assert_eq!(
        steps(longest),
        [
            "step1",
            "step1_considered",
            "step2",
            "step2_considered",
            "step3",
            "step1",
            "step1_considered",
            "step2",
            "step2_considered",
            "step3"
        ]
    );
    assert!(longest["open_ended"][0]
        .as_str()
        .is_some_and(|r| r.contains("extended by agreement")));
    let lapsed = v["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .find(|p| steps(p) == ["step1", "step1_considered"])
        .expect("the Step 1 window lapsing");
    assert_eq!(
        lapsed["min_working_days"], 16,
        "the lapsed window is the one wait that cannot be shorter: 3 weeks and the day after"
    );
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
fn cafcass_with_a_hundred_loops_is_not_capped() {
    // Each loop back to Step 1 adds a whole pass of 135 working days (see
    // above), the most any loop adds: 135 × 101.
    let v = paths(&[
        "procedures/cafcass.proc",
        "--max-loops",
        "100",
        "--limit",
        "1",
    ]);
    assert_eq!(v["max_loops"], 100);
    assert_eq!(v["longest_worst_case"], 13_635);
}

#[test]
fn more_loops_than_followed_are_refused_at_the_argument() {
    let run = redress(&["paths", "procedures/cafcass.proc", "--max-loops", "1001"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("E1001"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("--max-loops 1001 is more than the 1000 loops"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("╰── too many"), "{}", run.stderr);
}

/// Writes a generated procedure where the binary can read it.
fn scratch_file(folder: &str, text: &str) -> String {
    let path = scratch(folder).join("generated.proc");
    std::fs::write(&path, text).expect("write procedure");
    path.to_string_lossy().into_owned()
}

#[test]
fn a_ladder_is_counted_and_measured_without_listing_every_path() {
    let file = scratch_file("paths-ladder", &ladder(5, ""));
    // Without a loop only `s0 -[done]-> closed`; each loop chooses a or b
    // in each of 5 layers: 1 + 2^5 = 33 with one loop, 1 + 32 + 1024 = 1057
    // with two.
    let one = paths(&[&file]);
    assert_eq!(one["total_paths"], 33);
    // The worst case takes every b: 2 + 5 × 5 = 27 a loop, then s0 again: 29.
    assert_eq!(one["longest_worst_case"], 29);
    let two = paths(&[&file, "--max-loops", "2", "--limit", "10"]);
    assert_eq!(two["total_paths"], 1057);
    assert_eq!(two["paths"].as_array().map(Vec::len), Some(10));
    assert_eq!(two["paths_not_listed"], 1047);
    assert_eq!(two["truncated"], true);
    // 2 + 25 + 2 + 25 + 2.
    assert_eq!(two["longest_worst_case"], 56);
    assert_eq!(
        two["longest_path"],
        serde_json::Value::Null,
        "the all-b path is not among the first ten"
    );
    assert_eq!(steps(&two["longest"]).len(), 13);

    let human = redress(&["paths", &file, "--max-loops", "2", "--limit", "10"]);
    assert!(
        human.stdout.starts_with(
            "ladder: 1057 paths from start to an outcome (at most 2 loops each); 10 listed, 1047 not"
        ),
        "{}",
        human.stdout
    );
    assert!(human
        .stdout
        .contains("… and 1047 more paths not listed (--limit 10)"));
    assert!(human
        .stdout
        .contains("longest worst case: 56 working days (s0 -[right]-> b1 -[right]-> b2"));
}

#[test]
fn a_ladder_over_its_limit_is_warned_about_with_its_longest_path() {
    // One loop at most: 29 working days (above) against a limit of 25.
    let file = scratch_file(
        "paths-ladder-limit",
        &ladder(5, "  limit 25 working days from received\n"),
    );
    let run = redress(&["check", &file, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let message = v["files"][0]["diagnostics"][0]["message"]
        .as_str()
        .expect("a W0508");
    assert_eq!(
        message,
        "a path can take longer than the limit of 25 working days; \
         the longest, 29 working days, is s0 -[right]-> b1 -[right]-> b2 -[right]-> b3 -[right]-> b4 -[right]-> b5 -[back]-> s0 -[done]-> closed"
    );
}

#[test]
fn a_hundred_steps_each_looping_back_give_an_answer() {
    let mut text = String::from("procedure chain \"Chain\" {\n  role m \"M\"\n  start s1\n");
    for n in 1..=100 {
        let next = if n < 100 {
            format!("s{}", n + 1)
        } else {
            "closed".into()
        };
        let back = if n > 1 {
            format!("\n    on back -> s{}", n - 1)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "  step s{n} \"S{n}\" {{\n    lead m\n    deadline reply 1 working day\n    on next -> {next}{back}\n  }}\n"
        ));
    }
    text.push_str("  outcome closed \"Closed\"\n}\n");
    let file = scratch_file("paths-back-chain", &text);
    // Straight through, or one step back from any of s2..s100: 100 paths;
    // the worst is 100 steps of a working day, two more for the step back.
    let v = paths(&[&file]);
    assert_eq!(v["total_paths"], 100);
    assert_eq!(v["longest_worst_case"], 102);
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
    assert!(run
        .stdout
        .starts_with("cafcass: 16 paths from start to an outcome (at most 1 loop each)\n"));
    assert!(run.stdout.contains("step1 -[response_sent]-> step1_considered -[window closed]-> resolved_at_step1\n     16–36 working days"));
    assert!(run.stdout.contains(
        "longest worst case: 270 working days (path 5), or longer: it is open-ended (see above)"
    ));
}

/// `D1, extendable to D2` is refused (E0408) exactly when the guard
/// `D1 > D2` holds, and when it is accepted `redress paths` counts the
/// ceiling, never less than the deadline: the three use one model.
#[test]
fn the_checker_guards_and_paths_agree_on_which_duration_is_longer() {
    use redress::check::ir::{CompareOp, Env, Expr, FactId, Unit, Value};
    struct Nothing;
    impl Env for Nothing {
        fn fact(&self, _: FactId) -> Option<Value> {
            None
        }
        fn param(&self, _: u32) -> Option<Value> {
            None
        }
    }
    let wd = Unit::WorkingDays;
    // (deadline, ceiling, whether the ceiling is shorter). A week is 5
    // working days and 7 days; a month 22 working days and 30.8 days.
    let cases = [
        (
            (20, wd, "20 working days"),
            (3, Unit::Weeks, "3 weeks"),
            true,
        ),
        (
            (15, wd, "15 working days"),
            (3, Unit::Weeks, "3 weeks"),
            false,
        ),
        (
            (22, wd, "22 working days"),
            (1, Unit::Months, "1 month"),
            false,
        ),
        (
            (23, wd, "23 working days"),
            (1, Unit::Months, "1 month"),
            true,
        ),
        (
            (30, Unit::Days, "30 days"),
            (1, Unit::Months, "1 month"),
            false,
        ),
        (
            (31, Unit::Days, "31 days"),
            (1, Unit::Months, "1 month"),
            true,
        ),
        (
            (14, Unit::Days, "14 days"),
            (10, wd, "10 working days"),
            false,
        ),
        (
            (15, Unit::Days, "15 days"),
            (10, wd, "10 working days"),
            true,
        ),
    ];
    for ((da, du, deadline), (ca, cu, ceiling), shorter) in cases {
        let guard = Expr::Compare(
            CompareOp::Gt,
            Box::new(Expr::Const(Value::Duration(da, du))),
            Box::new(Expr::Const(Value::Duration(ca, cu))),
        );
        assert_eq!(
            guard.holds(&Nothing),
            Some(shorter),
            "guard {deadline} > {ceiling}"
        );
        let text = format!(
            "procedure p \"P\" {{\n  role m \"M\"\n  start s\n  step s \"S\" {{\n    lead m\n    deadline d {deadline}, extendable to {ceiling}\n    on done -> closed\n  }}\n  outcome closed \"Closed\"\n}}\n"
        );
        let compiled = redress::compile::compile_str("p.proc", &text);
        let codes: Vec<String> = compiled.problems.iter().map(|p| p.code()).collect();
        assert_eq!(
            codes.contains(&"E0408".to_string()),
            shorter,
            "{deadline}, extendable to {ceiling}: {codes:?}"
        );
        if let Some(procedure) = &compiled.procedure {
            let options = redress::analysis::paths::Options {
                max_loops: 0,
                limit: 1,
            };
            let found = redress::analysis::paths::paths(procedure, options).expect("paths");
            let working_days = redress::analysis::paths::working_days;
            assert_eq!(found.longest_worst_case, Some(working_days(ca, cu)));
            assert!(working_days(ca, cu) >= working_days(da, du));
        }
    }
}
