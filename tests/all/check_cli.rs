//! `redress check` as CI runs it: exit codes, output formats, and input
//! that is hostile rather than merely wrong.

use crate::support::{redress, redress_in, scratch, Lcg};

const VALID: &str = r#"procedure demo "Demo" {
  role manager "Manager"
  start first
  step first "First" {
    lead manager
    on done -> closed
  }
  outcome closed "Closed"
}
"#;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path.to_string_lossy().into_owned()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn the_shipped_procedures_check_clean_with_deny_warnings() {
    let run = redress(&["check", "procedures", "--deny-warnings"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("0 errors, 0 warnings"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_default_path_is_the_procedures_folder() {
    let run = redress(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let paths: Vec<String> = json(&run.stdout)["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect();
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("procedures") && p.ends_with(".proc")),
        "{paths:?}"
    );
    assert!(!paths.is_empty());
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = scratch("check-json-shape");
    let path = write(
        &dir,
        "bad.proc",
        VALID.replace("lead manager", "lead manger").as_bytes(),
    );
    let run = redress(&["check", &path, "--format", "json"]);
    assert_eq!(run.code, 1);
    let value = json(&run.stdout);
    assert_eq!(value["errors"], 1);
    assert_eq!(value["warnings"], 1, "the unused role `manager`");
    let d = &value["files"][0]["diagnostics"][1];
    assert_eq!(d["code"], "E0202");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["message"], "unknown role `manger`");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(10))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(5), Some(16))
    );
    assert_eq!(d["help"], "did you mean `manager`?");
}

#[test]
fn human_output_points_at_the_line_and_ends_with_a_summary() {
    let dir = scratch("check-human");
    let path = write(
        &dir,
        "bad.proc",
        VALID.replace("-> closed", "-> closd").as_bytes(),
    );
    let run = redress(&["check", &path]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("bad.proc:6:"), "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown step or outcome `closd`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: did you mean `closed`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .trim_end()
            .ends_with("1 file checked: 1 error, 1 warning"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("\u{1b}["),
        "no colour when NO_COLOR is set"
    );
}

#[test]
fn folders_are_searched_recursively_and_all_files_reported() {
    let dir = scratch("check-folders");
    std::fs::create_dir_all(dir.join("nested")).expect("mkdir");
    write(&dir, "a.proc", VALID.as_bytes());
    write(
        &dir.join("nested"),
        "b.proc",
        VALID.replace("start first", "").as_bytes(),
    );
    write(&dir, "notes.txt", b"not a procedure");
    let run = redress_in(&dir, &["check", ".", "--format", "json"]);
    assert_eq!(run.code, 1, "one file has an error");
    let value = json(&run.stdout);
    let files = value["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert_eq!(files[1]["diagnostics"][0]["code"], "E0401");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let run = redress(&["check", "no/such/file.proc"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/file.proc"), "{}", run.stderr);
    let dir = scratch("check-empty-folder");
    let run = redress_in(&dir, &["check", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no .proc files"), "{}", run.stderr);
    assert_eq!(redress(&["check", "--format", "xml"]).code, 2);
}

/// Runs `check` on hostile bytes: exit 1, the expected code, no panic.
fn assert_rejected(name: &str, bytes: &[u8], code: &str) {
    let dir = scratch(&format!("hostile-{name}"));
    let path = write(&dir, "input.proc", bytes);
    let run = redress(&["check", &path, "--format", "json"]);
    assert_eq!(run.code, 1, "{name}: {}", run.stderr);
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("overflow"),
        "{name}"
    );
    let value = json(&run.stdout);
    assert_eq!(
        value["files"][0]["diagnostics"][0]["code"], code,
        "{name}: {}",
        run.stdout
    );
    // The human form must also survive the same input.
    let human = redress(&["check", &path]);
    assert_eq!(human.code, 1, "{name}");
    assert!(
        human.stderr.len() < 20_000,
        "{name}: the report reprints the input"
    );
}

#[test]
fn an_empty_file_is_a_diagnostic() {
    assert_rejected("empty", b"", "E0004");
}

#[test]
fn binary_junk_is_a_diagnostic() {
    let mut rng = Lcg::new(42);
    let junk: Vec<u8> = (0..4096).map(|_| rng.below(256) as u8).collect();
    assert_rejected("junk", &junk, "E0001");
    let ascii_junk: Vec<u8> = (0..4096).map(|_| rng.below(128) as u8).collect();
    assert_rejected("ascii-junk", &ascii_junk, "E0101");
}

#[test]
fn invalid_utf8_is_a_diagnostic() {
    assert_rejected("latin1", b"procedure p \"Caf\xe9\" {}", "E0001");
}

#[test]
fn a_ten_megabyte_file_is_refused() {
    let mut text = String::from("procedure p \"P\" {\n");
    while text.len() < 10 * 1024 * 1024 {
        text.push_str("  note \"padding padding padding padding padding padding\"\n");
    }
    text.push('}');
    assert_rejected("ten-megabytes", text.as_bytes(), "E0002");
}

#[test]
fn deeply_nested_guards_are_refused() {
    let guard = format!("{}true{}", "(".repeat(100_000), ")".repeat(100_000));
    let text = VALID.replace("on done ->", &format!("on done when {guard} ->"));
    assert_rejected("nested", text.as_bytes(), "E0003");
}

#[test]
fn a_megabyte_line_is_a_diagnostic() {
    let line = "x".repeat(1024 * 1024);
    assert_rejected("long-line", line.as_bytes(), "E0101");
    let note = format!(
        "procedure p \"P\" {{ note \"{}\" oops }}",
        "n".repeat(1024 * 1024)
    );
    assert_rejected("long-note", note.as_bytes(), "E0101");
}

#[test]
fn sarif_output_has_the_required_fields() {
    let run = redress(&[
        "check",
        "tests/fixtures/check/E0202-unknown-role.proc",
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 1);
    let log = json(&run.stdout);
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "redress");
    let rules = run0["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run0["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "the error and the unused-role warning");
    for result in results {
        let id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        assert!(["error", "warning"].contains(&result["level"].as_str().expect("level")));
        assert!(result["message"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "tests/fixtures/check/E0202-unknown-role.proc"
        );
        for field in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                location["region"][field].as_u64().is_some_and(|n| n >= 1),
                "{field}"
            );
        }
    }
    let error = results
        .iter()
        .find(|r| r["ruleId"] == "E0202")
        .expect("the error");
    assert_eq!(
        error["locations"][0]["physicalLocation"]["region"]["startLine"],
        6
    );
}

#[test]
fn github_output_is_one_annotation_per_diagnostic() {
    let run = redress(&[
        "check",
        "tests/fixtures/check/E0202-unknown-role.proc",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.contains(
        &"::error file=tests/fixtures/check/E0202-unknown-role.proc,line=6,col=10,endLine=6,endColumn=16,title=E0202::unknown role `manger`%0Ahelp: did you mean `manager`?"
    ));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("::warning ") && l.contains("title=W0501")));
    let clean = redress(&["check", "procedures", "--format", "github"]);
    assert_eq!((clean.code, clean.stdout.as_str()), (0, ""));
}

// A link to nothing is the one unreadable file a test running as root
// can make.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_one_failed_item_and_the_rest_are_checked() {
    let dir = scratch("check-unreadable");
    write(&dir, "a-good.proc", VALID.as_bytes());
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("b-broken.proc")).expect("link");
    write(
        &dir,
        "c-bad.proc",
        VALID.replace("-> closed", "-> closd").as_bytes(),
    );
    let folder = dir.to_string_lossy();
    let run = redress(&["check", &folder, "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let value = json(&run.stdout);
    let files = value["files"].as_array().expect("files");
    assert_eq!(files.len(), 3, "{value}");
    let broken = &files[1];
    assert!(broken["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("b-broken.proc")));
    assert_eq!(broken["diagnostics"][0]["code"], "E0006");
    assert_eq!(broken["diagnostics"][0]["line"], 1);
    let later = files[2]["diagnostics"].as_array().expect("diagnostics");
    assert!(
        later.iter().any(|d| d["code"] == "E0201"),
        "checked after it: {value}"
    );
    assert_eq!(value["errors"], 2);

    let human = redress(&["check", &folder]);
    assert_eq!(human.code, 1);
    assert!(human.stderr.contains("E0006"), "{}", human.stderr);
    assert!(
        human.stderr.contains("b-broken.proc:1:1"),
        "{}",
        human.stderr
    );
    assert!(
        human
            .stderr
            .trim_end()
            .ends_with("3 files checked: 2 errors, 1 warning"),
        "{}",
        human.stderr
    );
}
