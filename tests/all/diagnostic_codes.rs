//! Every diagnostic code in src/ has a fixture and is documented.
//!
//! The convention, for every phase: a code counts as having a fixture when
//! either
//! - a file anywhere under `tests/fixtures/` names it on its first line
//!   after `expect:` (`// expect: E0201 line 9` in a `.proc` fixture,
//!   `# expect: E0602 line 9: message` in a YAML one), or
//! - a test in `tests/all/` expects it, naming it as a whole string literal
//!   (`"E0701"`) in an assertion or in the table of cases the test asserts
//!   over (see `days_cli.rs` and `simulate_cli.rs`).
//!
//! A code counts as documented when docs/language.md or docs/cli.md names
//! it.

use std::path::{Path, PathBuf};

use crate::support::root;

/// Every `.rs` (or any) file under a folder, recursively.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn is_code(word: &str) -> bool {
    word.len() == 5
        && (word.starts_with('E') || word.starts_with('W'))
        && word[1..].chars().all(|c| c.is_ascii_digit())
}

/// The codes declared with `code(…)` in src/.
fn codes_in_source() -> Vec<String> {
    let mut files = Vec::new();
    files_under(&root().join("src"), &mut files);
    let mut codes = Vec::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let text = std::fs::read_to_string(file).expect("source file");
        for part in text.split("code(").skip(1) {
            let code: String = part
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if is_code(&code) {
                codes.push(code);
            }
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

/// The codes fixtures name on their first line.
fn codes_in_fixtures() -> Vec<String> {
    let mut files = Vec::new();
    files_under(&root().join("tests/fixtures"), &mut files);
    files
        .iter()
        .filter_map(|f| {
            let bytes = std::fs::read(f).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            let first = text.lines().next()?;
            let (_, after) = first.split_once("expect: ")?;
            after.split_whitespace().next().map(str::to_string)
        })
        .filter(|c| is_code(c))
        .collect()
}

/// The codes tests in tests/all/ name as string literals, this file aside.
fn codes_in_tests() -> Vec<String> {
    let mut files = Vec::new();
    files_under(&root().join("tests/all"), &mut files);
    let mut codes = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("diagnostic_codes.rs")) {
        let text = std::fs::read_to_string(file).expect("test file");
        for part in text.split('"').skip(1).step_by(2) {
            if is_code(part) {
                codes.push(part.to_string());
            }
        }
    }
    codes
}

#[test]
fn every_code_has_a_fixture_or_a_test_that_expects_it() {
    let codes = codes_in_source();
    assert!(codes.len() > 50, "the scan of src/ found only {codes:?}");
    let fixtures = codes_in_fixtures();
    let tests = codes_in_tests();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !fixtures.contains(c) && !tests.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes no fixture or test expects: {missing:?}"
    );
}

#[test]
fn every_code_is_listed_in_the_docs() {
    let docs: String = ["docs/language.md", "docs/cli.md"]
        .iter()
        .map(|d| std::fs::read_to_string(root().join(d)).expect("docs"))
        .collect();
    let missing: Vec<String> = codes_in_source()
        .into_iter()
        .filter(|c| !docs.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "codes in neither docs/language.md nor docs/cli.md: {missing:?}"
    );
}
