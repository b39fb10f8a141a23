//! Every diagnostic code has a failing fixture in tests/fixtures/check/.
//! Each fixture's first line says which code it must produce and where:
//! `// expect: E0201 line 9`. The full JSON output is kept beside it as a
//! snapshot (`NAME.json`); run with `REDRESS_BLESS=1` to rewrite the
//! snapshots after an intended change, and review the diff.

use std::path::Path;

use crate::support::{redress, root};

struct Expectation {
    code: String,
    line: u64,
}

fn expectation(path: &Path) -> Expectation {
    let bytes = std::fs::read(path).expect("fixture readable");
    let first = String::from_utf8_lossy(&bytes)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let rest = first.strip_prefix("// expect: ").unwrap_or_else(|| {
        panic!(
            "{}: first line must be `// expect: CODE line N`",
            path.display()
        )
    });
    let mut words = rest.split_whitespace();
    let code = words.next().expect("a code").to_string();
    assert_eq!(words.next(), Some("line"), "{}", path.display());
    let line = words
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a line number");
    Expectation { code, line }
}

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = root().join("tests/fixtures/check");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "proc"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn each_fixture_reports_its_code_at_its_line() {
    let bless = std::env::var_os("REDRESS_BLESS").is_some();
    let mut failures = Vec::new();
    for path in fixtures() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let relative = format!("tests/fixtures/check/{name}");
        let expect = expectation(&path);
        let run = redress(&["check", &relative, "--format", "json"]);
        let is_warning = expect.code.starts_with('W');
        let expected_exit = if is_warning { 0 } else { 1 };
        if run.code != expected_exit {
            failures.push(format!(
                "{name}: exit {} (expected {expected_exit}): {}",
                run.code, run.stderr
            ));
            continue;
        }
        let json: serde_json::Value = match serde_json::from_str(&run.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: not JSON ({e}): {}", run.stdout));
                continue;
            }
        };
        let diagnostics = json["files"][0]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let found = diagnostics
            .iter()
            .any(|d| d["code"] == expect.code.as_str() && d["line"] == expect.line);
        if !found {
            let got: Vec<String> = diagnostics
                .iter()
                .map(|d| format!("{} line {}: {}", d["code"], d["line"], d["message"]))
                .collect();
            failures.push(format!(
                "{name}: expected {} at line {}, got {got:#?}",
                expect.code, expect.line
            ));
            continue;
        }
        for d in &diagnostics {
            for field in ["message", "help"] {
                if d[field].as_str().is_none_or(str::is_empty) {
                    failures.push(format!("{name}: a diagnostic has no {field}: {d}"));
                }
            }
        }
        let snapshot = path.with_extension("json");
        if bless {
            std::fs::write(&snapshot, &run.stdout).expect("write snapshot");
        } else {
            match std::fs::read_to_string(&snapshot) {
                Ok(expected) if expected == run.stdout => {}
                Ok(expected) => failures.push(format!(
                    "{name}: output differs from {}\n--- expected\n{expected}\n--- actual\n{}",
                    snapshot.display(),
                    run.stdout
                )),
                Err(_) => failures.push(format!(
                    "{name}: no snapshot {}; run with REDRESS_BLESS=1 and review it",
                    snapshot.display()
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_diagnostic_code_in_the_source_has_a_fixture() {
    let sources = ["src/source.rs", "src/syntax/error.rs", "src/check/error.rs"];
    let mut codes = Vec::new();
    for file in sources {
        let text = std::fs::read_to_string(root().join(file)).expect("source file");
        for part in text.split("code(").skip(1) {
            let code: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let is_code = code.len() == 5
                && (code.starts_with('E') || code.starts_with('W'))
                && code[1..].chars().all(|c| c.is_ascii_digit());
            if is_code {
                codes.push(code);
            }
        }
    }
    let fixture_codes: Vec<String> = fixtures().iter().map(|p| expectation(p).code).collect();
    // E0002 (a file over 4 MiB) is generated by the hostile-input tests
    // rather than committed.
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| c.as_str() != "E0002" && !fixture_codes.contains(c))
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let path = "tests/fixtures/check/W0501-unused-role.proc";
    assert_eq!(redress(&["check", path]).code, 0);
    let run = redress(&["check", path, "--deny-warnings"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("1 file checked: 0 errors, 1 warning"),
        "{}",
        run.stderr
    );
}
