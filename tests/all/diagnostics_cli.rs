//! Diagnostics about the command line and about calendar files are
//! labelled where the problem is: the argument underlined on the command
//! line, or the calendar file's line.

use crate::support::{redress, scratch};

#[test]
fn an_argument_error_underlines_the_argument() {
    for (args, code, column) in [
        // `redress days between 2026-01-01 ` is 32 characters: the date
        // out of range starts at column 33.
        (
            &["days", "between", "2026-01-01", "1969-12-31"][..],
            "E0702",
            33,
        ),
        // `redress days add 2026-01-01 3 --calendar ` is 41 characters.
        (
            &["days", "add", "2026-01-01", "3", "--calendar", "englnd"][..],
            "E0705",
            42,
        ),
    ] {
        let run = redress(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(code), "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("[command line:1:{column}]")),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_calendar_file_error_names_the_files_line() {
    let dir = scratch("diagnostics-calendar-file");
    let bad_date = dir.join("bad-date.yaml");
    std::fs::write(
        &bad_date,
        "base: england-and-wales\nclosed:\n  - {date: 2026-13-01, title: X}\n",
    )
    .expect("write");
    let run = redress(&[
        "days",
        "add",
        "2026-01-01",
        "3",
        "--calendar-file",
        &bad_date.to_string_lossy(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("E0707"), "{}", run.stderr);
    assert!(run.stderr.contains("bad-date.yaml:3:12]"), "{}", run.stderr);

    // Every day of the week in the weekend: named at the `weekend:` line.
    let no_days = dir.join("no-days.yaml");
    std::fs::write(
        &no_days,
        "base: england-and-wales\nweekend: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]\n",
    )
    .expect("write");
    let run = redress(&[
        "days",
        "add",
        "2026-01-01",
        "3",
        "--calendar-file",
        &no_days.to_string_lossy(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("E0706"), "{}", run.stderr);
    assert!(run.stderr.contains("no-days.yaml:2:10]"), "{}", run.stderr);
}
