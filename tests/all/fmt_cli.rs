//! `redress fmt`: one canonical layout, comments kept, idempotent, and
//! never a change of meaning.

use std::path::PathBuf;

use redress::compile::compile_str;
use redress::format::format_source;

use crate::support::{files_in, redress, redress_in, scratch};

/// Every `.proc` file in the repository that parses: the procedures, the
/// examples and the valid fixtures.
fn formattable() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for dir in [
        "procedures",
        "examples",
        "tests/fixtures/check",
        "tests/fixtures/cases",
        "tests/fixtures/diff",
    ] {
        for path in files_in(dir, "proc") {
            if let Ok(text) = std::fs::read_to_string(&path) {
                if format_source(&text).is_some() {
                    files.push((path, text));
                }
            }
        }
    }
    assert!(
        files.len() > 40,
        "expected the procedures and most fixtures, found {}",
        files.len()
    );
    files
}

fn comments(text: &str) -> Vec<String> {
    // Good enough for our files: no `//` inside strings but in URLs, which
    // they do not have.
    text.lines()
        .filter_map(|l| l.find("//").map(|i| l[i..].trim_end().to_string()))
        .collect()
}

#[test]
fn the_shipped_procedures_and_examples_are_formatted() {
    let run = redress(&["fmt", "--check", "procedures", "examples"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn formatting_is_idempotent_and_keeps_every_comment_in_order() {
    for (path, text) in formattable() {
        let once = format_source(&text).expect("formats");
        let twice = format_source(&once).expect("formats again");
        assert_eq!(once, twice, "{}: not idempotent", path.display());
        assert_eq!(
            comments(&text),
            comments(&once),
            "{}: comments lost or moved out of order",
            path.display()
        );
    }
}

#[test]
fn formatting_never_changes_meaning() {
    for (path, text) in formattable() {
        let name = path.to_string_lossy();
        let before = compile_str(&name, &text);
        let after = compile_str(&name, &format_source(&text).expect("formats"));
        assert_eq!(
            before.procedure, after.procedure,
            "{name}: the compiled procedure changed"
        );
        let codes = |c: &redress::compile::Compiled| {
            c.problems.iter().map(|p| p.code()).collect::<Vec<_>>()
        };
        assert_eq!(
            codes(&before),
            codes(&after),
            "{name}: the diagnostics changed"
        );
    }
}

#[test]
fn check_mode_names_the_files_and_changes_nothing() {
    let dir = scratch("fmt-check");
    let messy = "procedure p \"P\" {\n role   r\n    start s\n step s { lead r\n on e -> done }\n outcome done \"Done\" }\n";
    std::fs::write(dir.join("messy.proc"), messy).expect("write");
    let run = redress_in(&dir, &["fmt", "--check", "."]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.trim(), "would reformat ./messy.proc");
    assert_eq!(
        std::fs::read_to_string(dir.join("messy.proc")).expect("read"),
        messy
    );

    let run = redress_in(&dir, &["fmt", "."]);
    assert_eq!((run.code, run.stdout.trim()), (0, "formatted ./messy.proc"));
    let formatted = std::fs::read_to_string(dir.join("messy.proc")).expect("read");
    assert_eq!(formatted, "procedure p \"P\" {\n  role r\n  start s\n\n  step s {\n    lead r\n    on e -> done\n  }\n\n  outcome done \"Done\"\n}\n");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    assert_eq!(redress_in(&dir, &["fmt", "--check", "."]).code, 0);
}

#[test]
fn a_file_that_does_not_parse_is_left_untouched_with_its_diagnostic() {
    let dir = scratch("fmt-broken");
    let broken = "procedure p \"P\" {\n  step s { lead r on e done }\n}\n";
    std::fs::write(dir.join("broken.proc"), broken).expect("write");
    let run = redress_in(&dir, &["fmt", "."]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("E0101") && run.stderr.contains("not formatted"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.proc")).expect("read"),
        broken
    );
}
