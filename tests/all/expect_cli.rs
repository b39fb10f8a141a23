//! `redress test` holds a case to what it says: the reason of a refusal,
//! and the procedure's effective date.

use crate::support::{redress, scratch};

fn write_case(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write case");
    path.to_string_lossy().into_owned()
}

// The Cafcass case of examples/cafcass/07: an extension beyond the
// 65-working-day ceiling, refused with E0803 for that reason.
const BEYOND_CEILING: &str =
    include_str!("../../examples/cafcass/07-extension-refused-beyond-ceiling.yaml");

#[test]
fn an_expected_refusal_must_be_for_the_reason_named() {
    let dir = scratch("expect-reason");
    let right = write_case(&dir, "right.yaml", BEYOND_CEILING);
    let run = redress(&["test", &right]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);

    let wrong = BEYOND_CEILING.replace("reason: beyond_ceiling", "reason: after_due");
    assert_ne!(wrong, BEYOND_CEILING, "the example names its reason");
    let wrong = write_case(&dir, "wrong.yaml", &wrong);
    let run = redress(&["test", &wrong]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("error: expected E0803 (after_due), got E0803 (beyond_ceiling)"),
        "{}",
        run.stdout
    );

    // The old form still passes, with a note asking for the reason.
    let old = BEYOND_CEILING.replace(
        "error: { code: E0803, reason: beyond_ceiling }",
        "error: E0803",
    );
    let old = write_case(&dir, "old.yaml", &old);
    let run = redress(&["test", &old]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("name the one you mean"),
        "{}",
        run.stderr
    );

    // A reason the code does not have is an error in the case file.
    let unknown = BEYOND_CEILING.replace("reason: beyond_ceiling", "reason: beyond_the_ceiling");
    let unknown = write_case(&dir, "unknown.yaml", &unknown);
    let run = redress(&["test", &unknown]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("E0614"), "{}", run.stdout);
    assert!(
        run.stdout.contains("did you mean `beyond_ceiling`?"),
        "{}",
        run.stdout
    );
}

// The Cafcass procedure took effect on 1 December 2008.
const BEFORE_EFFECTIVE: &str = "procedure: cafcass
case: CAF-2008-0001
facts:
  complainant_is: adult
  adult_requests_support: false
  submitted_abusively: false
  previously_concluded: false
events:
  - { on: 2008-11-03, event: received }
expect:
  at: 2008-11-04
  step: step1
";

#[test]
fn a_case_received_before_the_procedure_took_effect_is_flagged() {
    let dir = scratch("expect-effective");
    let case = write_case(&dir, "early.yaml", BEFORE_EFFECTIVE);
    let run = redress(&[
        "run",
        "procedures/cafcass.proc",
        &case,
        "--at",
        "2008-11-04",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("warning[W0801]: the case was received on 2008-11-03, before the procedure took effect on 2008-12-01"),
        "{}",
        run.stdout
    );
    let run = redress(&["test", &case]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("effective date"), "{}", run.stdout);

    let deliberate = BEFORE_EFFECTIVE.replace("events:", "before_effective: deliberate\nevents:");
    let case = write_case(&dir, "deliberate.yaml", &deliberate);
    let run = redress(&["test", &case]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}
