//! The commands README.md and docs/ show with their result in a comment
//! (`redress days add 2026-12-18 20   # 2027-01-20`) print that result.
//! A comment that starts with a digit is taken for output; any other
//! comment describes the command and is not checked.

use crate::support::{redress, root};

/// Every `redress …  # RESULT` line of a shell block in a Markdown file.
fn claims(markdown: &str) -> Vec<(String, String)> {
    let mut in_shell = false;
    let mut found = Vec::new();
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_shell = line.trim() == "```sh";
            continue;
        }
        if !in_shell {
            continue;
        }
        let Some(command) = line.strip_prefix("redress ") else {
            continue;
        };
        let Some((args, result)) = command.split_once("  #") else {
            continue;
        };
        let result = result.trim();
        if result.starts_with(|c: char| c.is_ascii_digit()) {
            found.push((args.trim().to_string(), result.to_string()));
        }
    }
    found
}

#[test]
fn commands_shown_with_their_result_print_it() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut files = vec![root().join("README.md")];
    if let Ok(entries) = std::fs::read_dir(root().join("docs")) {
        files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
    }
    files.sort();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(file).expect("markdown");
        for (args, result) in claims(&text) {
            let args: Vec<&str> = args.split_whitespace().collect();
            let run = redress(&args);
            checked += 1;
            if !run.stdout.contains(&result) && !run.stderr.contains(&result) {
                failures.push(format!(
                    "{}: `redress {}` should print `{result}`, printed:\n{}{}",
                    file.display(),
                    args.join(" "),
                    run.stdout,
                    run.stderr
                ));
            }
        }
    }
    assert!(checked >= 4, "found only {checked} commands with results");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
