//! YAML files that are not what the format expects, read by the binary:
//! each problem is named with a code at its file and line, and nothing
//! takes long, whatever the nesting (issue 11, items 2, 4 and 14).

use std::path::Path;

use crate::support::{redress, scratch, Run};

const PROC: &str = "tests/fixtures/cases/fixture.proc";

/// A valid case against the fixture procedure, one event a line from
/// line 8 on.
const CASE: &str = "procedure: fx
case: FX-1
facts:
  urgent: true
  kind: adult
  decide_within: 10 working days
events:
  - { on: 2026-03-02, event: received }
";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("scratch file");
    path.to_string_lossy().into_owned()
}

fn run_case(path: &str) -> Run {
    redress(&["run", PROC, path, "--at", "2026-03-03"])
}

/// The run failed with `code` at `file:line:` and said `words`.
fn assert_reported(run: &Run, code: &str, place: &str, words: &str) {
    let flat = run
        .stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        run.stderr.contains(code) && run.stderr.contains(place) && flat.contains(words),
        "expected {code} at {place} saying {words:?}; got exit {}:\n{}",
        run.code,
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn a_case_file_with_a_byte_order_mark_is_read_like_one_without() {
    let dir = scratch("yaml-bom");
    let path = write(&dir, "bom.yaml", format!("\u{feff}{CASE}").as_bytes());
    let run = run_case(&path);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Case FX-1"), "{}", run.stdout);
}

#[test]
fn a_nul_byte_is_reported_at_its_line() {
    let dir = scratch("yaml-nul");
    let text = format!("{CASE}  - {{ on: 2026-03-03, event: acknowledge, note: \"a\0b\" }}\n");
    let path = write(&dir, "nul.yaml", text.as_bytes());
    let run = run_case(&path);
    assert_eq!(run.code, 1);
    assert_reported(&run, "E0601", &format!("{path}:9:"), "NUL byte");
}

#[test]
fn a_file_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte() {
    let dir = scratch("yaml-latin1");
    let mut bytes = CASE.as_bytes().to_vec();
    bytes.extend_from_slice(b"  - { on: 2026-03-03, event: acknowledge, note: caf\xe9 }\n");
    let case = write(&dir, "latin1.yaml", &bytes);
    assert_reported(
        &run_case(&case),
        "E0001",
        &format!("{case}:9:"),
        "not UTF-8",
    );
    let assumptions = write(
        &dir,
        "latin1.assumptions.yaml",
        b"procedure: fx\n# caf\xe9\n",
    );
    let run = redress(&[
        "simulate",
        PROC,
        "--cases",
        "1",
        "--assumptions",
        &assumptions,
    ]);
    assert_reported(&run, "E0001", &format!("{assumptions}:2:"), "not UTF-8");
}

/// 40,000 brackets took 4.3 s to fail before the pre-scan; the pre-scan
/// refuses them at once, at the line where the nesting passes the bound.
#[test]
fn deep_nesting_is_refused_at_its_line_in_every_kind_of_yaml_file() {
    let dir = scratch("yaml-deep");
    let deep = format!("{}{}", "[".repeat(40_000), "]".repeat(40_000));
    let case = write(
        &dir,
        "deep.yaml",
        format!("procedure: fx\ncase: x\nevents: {deep}\n").as_bytes(),
    );
    let run = run_case(&case);
    assert_eq!(run.code, 1);
    assert_reported(
        &run,
        "E0601",
        &format!("{case}:3:"),
        "nested more than 32 levels",
    );

    let assumptions = write(
        &dir,
        "deep.assumptions.yaml",
        format!("procedure: fx\nfacts: {deep}\n").as_bytes(),
    );
    let run = redress(&[
        "simulate",
        PROC,
        "--cases",
        "1",
        "--assumptions",
        &assumptions,
    ]);
    assert_eq!(run.code, 1);
    assert_reported(
        &run,
        "E0901",
        &format!("{assumptions}:2:"),
        "nested more than 32 levels",
    );

    let calendar = write(
        &dir,
        "deep-calendar.yaml",
        format!("base: england-and-wales\nclosed: {deep}\n").as_bytes(),
    );
    let run = redress(&[
        "days",
        "add",
        "2026-12-24",
        "1",
        "--calendar-file",
        &calendar,
    ]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("E0707")
            && run.stderr.contains("line 2")
            && run.stderr.contains("nested"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_yaml_tag_and_a_null_case_reference_are_refused() {
    let dir = scratch("yaml-tags");
    let tagged = write(
        &dir,
        "tag.yaml",
        CASE.replace("case: FX-1", "case: !Foo FX-1").as_bytes(),
    );
    assert_reported(
        &run_case(&tagged),
        "E0601",
        &format!("{tagged}:2:"),
        "YAML tags",
    );
    let null = write(
        &dir,
        "null.yaml",
        CASE.replace("case: FX-1", "case: ~").as_bytes(),
    );
    let run = run_case(&null);
    assert_eq!(run.code, 1);
    assert_reported(
        &run,
        "E0607",
        &format!("{null}:2:"),
        "not a valid case reference",
    );
}

/// Durations longer than the calendars' 230 years used to pass reading
/// and fail in the replay as an in-range date "outside the years the
/// calendars cover".
#[test]
fn durations_beyond_the_calendars_are_refused_as_durations() {
    let dir = scratch("yaml-long-durations");
    let fact = write(
        &dir,
        "fact.yaml",
        CASE.replace("10 working days", "2147483647 months")
            .as_bytes(),
    );
    let run = run_case(&fact);
    assert_reported(
        &run,
        "E0607",
        &format!("{fact}:6:"),
        "`2147483647 months` is not a valid value",
    );
    assert!(!run.stderr.contains("outside the years"), "{}", run.stderr);
    let extension = write(
        &dir,
        "extension.yaml",
        format!("{CASE}  - {{ on: 2026-03-03, event: extended, by: 2147483648 days }}\n")
            .as_bytes(),
    );
    let run = run_case(&extension);
    assert_reported(
        &run,
        "E0607",
        &format!("{extension}:9:"),
        "at most 230 years",
    );
    assert!(!run.stderr.contains("outside the years"), "{}", run.stderr);
}

fn simulate_with(dir: &Path, name: &str, text: &str) -> (String, Run) {
    let path = write(dir, name, text.as_bytes());
    let run = redress(&["simulate", PROC, "--cases", "1", "--assumptions", &path]);
    (path, run)
}

#[test]
fn assumptions_say_what_is_wrong_with_numbers_values_and_procedures() {
    let dir = scratch("yaml-assumptions");
    let (path, run) = simulate_with(
        &dir,
        "nan.yaml",
        "procedure: fx\ndurations:\n  answered: { triangular: [.nan, .nan, .nan] }\n",
    );
    assert_reported(
        &run,
        "E0904",
        &format!("{path}:3:"),
        "`.nan` or `.inf` is not one",
    );
    assert!(!run.stderr.contains("cannot be negative"), "{}", run.stderr);

    let (path, run) = simulate_with(
        &dir,
        "huge.yaml",
        "procedure: fx\ndurations:\n  answered: { fixed: 99999999999999999999 }\n",
    );
    assert_reported(
        &run,
        "E0901",
        &format!("{path}:3:"),
        "99999999999999999999 is too large",
    );
    assert!(!run.stderr.contains("u128"), "{}", run.stderr);

    let (path, run) = simulate_with(
        &dir,
        "other.yaml",
        "procedure: cafcass\nfacts:\n  kind: { adlt: 1 }\n",
    );
    assert_reported(
        &run,
        "E0902",
        &format!("{path}:1:"),
        "these assumptions are for procedure `cafcass`, not `fx`",
    );
    assert_reported(
        &run,
        "E0902",
        &format!("{path}:3:"),
        "`adlt` is not a value of fact `kind`",
    );
    assert_reported(
        &run,
        "E0902",
        &format!("{path}:3:"),
        "did you mean `adult`?",
    );
    assert!(!run.stderr.contains("iss are"), "{}", run.stderr);
}

/// The size bound is checked before reading, so the test needs a file
/// just over it, not a large one.
#[test]
fn a_case_file_over_the_size_bound_is_refused_before_it_is_read() {
    let dir = scratch("yaml-too-large");
    let mut text = CASE.to_string();
    text.push_str(&"#".repeat(redress::yaml::MAX_BYTES + 1 - text.len()));
    let path = write(&dir, "large.yaml", text.as_bytes());
    let run = run_case(&path);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(&format!("limited to {} bytes", redress::yaml::MAX_BYTES)),
        "{}",
        run.stderr
    );
}
