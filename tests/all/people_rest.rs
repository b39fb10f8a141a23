//! Issue 13's remaining rules about extensions and notices as a case
//! handler meets them: the old `by:` length on `extended`, notices a task
//! or a decision requires.

use crate::support::{redress, scratch};

/// Council case 04 with its extensions written the old way, `by:` for how
/// much longer. The dates are that case's, worked by hand there: due
/// Thursday 5 February 2026 after two extensions of 5 working days.
const OLD_FORM: &str = "procedure: council
case: CNL-OLD-BY
events:
  - { on: 2026-01-05, event: received }
  - { on: 2026-01-08, event: acknowledge, by: officer }
  - { on: 2026-01-12, event: extended, deadline: response, by: 5 working days }
  - { on: 2026-01-14, event: extended, deadline: response, for: 5 business days }
expect:
  at: 2026-01-15
  due: { response: 2026-02-05 }
";

#[test]
fn by_as_a_length_on_extended_still_works_with_a_warning_naming_the_new_key() {
    let dir = scratch("people-rest-old-by");
    let case = dir.join("old.yaml");
    std::fs::write(&case, OLD_FORM).expect("case");
    let case = case.to_string_lossy().to_string();
    let run = redress(&[
        "run",
        "examples/council/council.proc",
        &case,
        "--at",
        "2026-01-15",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2026-02-05"), "{}", run.stdout);
    assert!(run.stderr.contains("W0601"), "{}", run.stderr);
    assert!(run.stderr.contains("old.yaml:6:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("write `for: 5 working days`"),
        "{}",
        run.stderr
    );
    // Only the old form is warned about: the second extension uses `for:`.
    assert_eq!(run.stderr.matches("W0601").count(), 1, "{}", run.stderr);
    // `test` passes the case and shows the same warning.
    let test = redress(&["test", "--procedures", "examples/council", &case]);
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(test.stderr.contains("W0601"), "{}", test.stderr);
}

#[test]
fn doc_says_which_letters_must_go_before_the_outcome_is_communicated() {
    let doc = redress(&["doc", "procedures/babicm.proc"]);
    assert_eq!(doc.code, 0, "{}", doc.stderr);
    assert!(
        doc.stdout.contains(
            "Communicate the outcome to both parties, only once these have been sent: “The outcome of the complaint, to the person who made it” (`outcome_to_complainant`) to the person making the complaint, saying outcome; “The outcome of the complaint, to the case manager complained about” (`outcome_to_member`)"
        ),
        "{}",
        doc.stdout
    );
}

#[test]
fn requires_notice_is_printed_canonically_and_a_change_to_it_is_a_difference() {
    let dir = scratch("people-rest-requires-notice");
    let before = dir.join("before.proc");
    let after = dir.join("after.proc");
    let text = |notices: &str| {
        format!(
            "procedure p \"P\" {{\n  role officer     \"Officer\"\n  role complainant \"Complainant\"\n  notice letter to complainant \"Letter\" includes outcome\n  notice copy to officer \"Copy\" includes outcome\n  start first\n\n  step first \"First\" {{\n    lead officer\n    task acknowledge \"Acknowledge\" requires notice letter\n    on done requires acknowledge requires notice {notices} -> closed\n  }}\n\n  outcome closed \"Closed\"\n}}\n"
        )
    };
    std::fs::write(&before, text("letter")).expect("before");
    std::fs::write(&after, text("letter, copy")).expect("after");
    let (before, after) = (
        before.to_string_lossy().to_string(),
        after.to_string_lossy().to_string(),
    );
    // Already canonical: fmt leaves both forms as written.
    let fmt = redress(&["fmt", "--check", &before, &after]);
    assert_eq!(fmt.code, 0, "{}{}", fmt.stdout, fmt.stderr);
    let diff = redress(&["diff", &before, &after]);
    assert!(
        diff.stdout
            .contains("requires notice: letter → letter, copy"),
        "{}{}",
        diff.stdout,
        diff.stderr
    );
}
