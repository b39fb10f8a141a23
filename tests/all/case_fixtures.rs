//! Every way a case file can be wrong has a fixture in tests/fixtures/cases/,
//! replayed against `fixture.proc` beside them. Each fixture's first line
//! says the code, the line and the message it must produce:
//! `# expect: E0602 line 9: unknown key`.

use std::path::PathBuf;

use crate::support::{file_name, files_in, redress, root};

struct Expectation {
    code: String,
    line: usize,
    message: String,
}

fn expectation(path: &PathBuf) -> Expectation {
    let text = std::fs::read_to_string(path).expect("fixture");
    let first = text.lines().next().unwrap_or_default();
    let rest = first.strip_prefix("# expect: ").unwrap_or_else(|| {
        panic!(
            "{}: first line must be `# expect: CODE line N: message`",
            path.display()
        )
    });
    let (head, message) = rest.split_once(": ").expect("a message after the line");
    let mut words = head.split_whitespace();
    let code = words.next().expect("code").to_string();
    assert_eq!(words.next(), Some("line"));
    let line = words
        .next()
        .and_then(|n| n.parse().ok())
        .expect("line number");
    Expectation {
        code,
        line,
        message: message.to_string(),
    }
}

#[test]
fn each_invalid_case_is_reported_at_its_line_with_its_message() {
    let mut failures = Vec::new();
    for path in files_in("tests/fixtures/cases", "yaml") {
        let name = file_name(&path);
        let relative = format!("tests/fixtures/cases/{name}");
        let expect = expectation(&path);
        // As of the calendars' last day, so that every event is replayed.
        let run = redress(&[
            "run",
            "tests/fixtures/cases/fixture.proc",
            &relative,
            "--at",
            "2199-12-31",
        ]);
        let place = format!("{relative}:{}:", expect.line);
        // The report wraps long messages; compare with the wrapping undone.
        let flat = run
            .stderr
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let ok = run.code == 1
            && run.stderr.contains(&expect.code)
            && run.stderr.contains(&place)
            && flat.contains(&expect.message)
            && !run.stderr.contains("panicked");
        if !ok {
            failures.push(format!(
                "{name}: expected exit 1 with {} at {place} saying {:?}; got exit {}:\n{}",
                expect.code, expect.message, run.code, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_case_and_replay_code_has_a_fixture() {
    let mut codes = Vec::new();
    for file in ["src/case/error.rs", "src/engine/error.rs"] {
        let text = std::fs::read_to_string(root().join(file)).expect("source");
        for part in text.split("code(E").skip(1) {
            codes.push(format!("E{}", &part[..4]));
        }
    }
    let covered: Vec<String> = files_in("tests/fixtures/cases", "yaml")
        .iter()
        .map(|p| expectation(p).code)
        .collect();
    let missing: Vec<&String> = codes.iter().filter(|c| !covered.contains(c)).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

/// Every way an assumptions file can be wrong has a fixture in
/// tests/fixtures/assumptions/, read against tests/fixtures/simulate/fork.proc,
/// with the same first line as a case fixture.
#[test]
fn each_invalid_assumptions_file_is_reported_at_its_line_with_its_message() {
    let mut failures = Vec::new();
    let fixtures = files_in("tests/fixtures/assumptions", "yaml");
    for path in &fixtures {
        let name = file_name(path);
        let relative = format!("tests/fixtures/assumptions/{name}");
        let expect = expectation(path);
        let run = redress(&[
            "simulate",
            "tests/fixtures/simulate/fork.proc",
            "--cases",
            "1",
            "--assumptions",
            &relative,
        ]);
        let place = format!("{relative}:{}:", expect.line);
        let flat = run
            .stderr
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let ok = run.code == 1
            && run.stderr.contains(&expect.code)
            && run.stderr.contains(&place)
            && flat.contains(&expect.message)
            && !run.stderr.contains("panicked");
        if !ok {
            failures.push(format!(
                "{name}: expected exit 1 with {} at {place} saying {:?}; got exit {}:\n{}",
                expect.code, expect.message, run.code, run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Every assumptions code, E0901 to E0905, has its own fixture.
    let text = std::fs::read_to_string(root().join("src/simulate/assumptions.rs")).expect("source");
    let codes: Vec<String> = text
        .split("code(E")
        .skip(1)
        .map(|part| format!("E{}", &part[..4]))
        .collect();
    let covered: Vec<String> = fixtures.iter().map(|p| expectation(p).code).collect();
    let missing: Vec<&String> = codes.iter().filter(|c| !covered.contains(c)).collect();
    assert!(
        !codes.is_empty() && missing.is_empty(),
        "codes without a fixture: {missing:?}"
    );
}
