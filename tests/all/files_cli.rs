//! Reading and writing users' files safely (issue 11, items 3, 4 and
//! 10 to 13): folder walks that end whatever the links, special files
//! refused rather than waited on, and `fmt` that keeps a file's mode,
//! links and concurrent edits.

#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use crate::support::{redress, redress_in, root, scratch};

/// A procedure that parses but is not in the canonical layout.
const UNFORMATTED: &str = "procedure x \"X\" {\nstart a\n  role r \"R\"\n  step a \"A\" {\n lead r\n on done -> fin\n }\n  outcome fin final \"F\"\n}\n";

fn link(target: &str, at: &Path) {
    std::os::unix::fs::symlink(target, at).expect("symlink");
}

fn mkfifo(at: &Path) {
    let status = Command::new("mkfifo")
        .arg(at)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// Two links to `.` made `check` walk billions of paths, and links to
/// `..` made `test` count one case 65,535 times.
#[test]
fn links_back_into_a_folder_are_walked_once_and_named() {
    let dir = scratch("files-link-loop");
    let inner = dir.join("procedures");
    std::fs::create_dir(&inner).unwrap();
    std::fs::copy(
        root().join("procedures/cafcass.proc"),
        inner.join("cafcass.proc"),
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/cafcass/01-resolved-at-step1.yaml"),
        inner.join("case.yaml"),
    )
    .unwrap();
    link(".", &inner.join("a"));
    link(".", &inner.join("b"));
    link("..", &inner.join("up"));

    let run = redress_in(&dir, &["check", "procedures", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.matches("\"path\"").count(), 1, "{}", run.stdout);
    assert!(
        run.stderr.contains("skipped the link `procedures/a`"),
        "{}",
        run.stderr
    );

    let run = redress_in(&dir, &["test", "procedures", "--procedures", "procedures"]);
    assert!(
        run.stdout.contains("1 passed, 0 failed"),
        "{}{}",
        run.stdout,
        run.stderr
    );

    let run = redress_in(&dir, &["fmt", "--check", "procedures"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

/// A FIFO named like a procedure made `check` wait forever for a writer.
#[test]
fn special_files_are_refused_not_waited_on() {
    let dir = scratch("files-fifo");
    std::fs::copy(
        root().join("procedures/cafcass.proc"),
        dir.join("cafcass.proc"),
    )
    .unwrap();
    mkfifo(&dir.join("a.proc"));
    mkfifo(&dir.join("case.yaml"));

    let run = redress_in(&dir, &["check", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("skipped `./a.proc`: it is a FIFO"),
        "{}",
        run.stderr
    );

    let run = redress_in(&dir, &["check", "a.proc"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`a.proc` is a FIFO"), "{}", run.stderr);

    let run = redress_in(&dir, &["run", "cafcass.proc", "case.yaml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`case.yaml` is a FIFO"),
        "{}",
        run.stderr
    );

    // /dev/zero never ends: it was read until memory ran out.
    let run = redress(&["run", "procedures/cafcass.proc", "/dev/zero"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`/dev/zero` is a device"),
        "{}",
        run.stderr
    );
    let run = redress(&["graph", "/dev/zero"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`/dev/zero` is a device"),
        "{}",
        run.stderr
    );
}

#[test]
fn fmt_keeps_each_files_permissions() {
    let dir = scratch("files-fmt-mode");
    for mode in [0o600, 0o755, 0o444] {
        let path = dir.join(format!("m{mode:o}.proc"));
        std::fs::write(&path, UNFORMATTED).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let run = redress_in(&dir, &["fmt", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for mode in [0o600, 0o755, 0o444] {
        let path = dir.join(format!("m{mode:o}.proc"));
        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!(metadata.mode() & 0o777, mode, "{}", path.display());
        assert_ne!(std::fs::read_to_string(&path).unwrap(), UNFORMATTED);
    }
}

/// A link was replaced by a formatted regular file, leaving its target
/// unformatted; a hard link was split into two files.
#[test]
fn fmt_formats_what_a_link_leads_to_and_keeps_hard_links_one_file() {
    let dir = scratch("files-fmt-links");
    std::fs::create_dir(dir.join("shared")).unwrap();
    std::fs::write(dir.join("shared/target.proc"), UNFORMATTED).unwrap();
    link("shared/target.proc", &dir.join("link.proc"));
    std::fs::write(dir.join("hard.proc"), UNFORMATTED).unwrap();
    std::fs::hard_link(dir.join("hard.proc"), dir.join("shared/other-name.proc")).unwrap();

    let run = redress_in(&dir, &["fmt", "link.proc", "hard.proc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let link_type = std::fs::symlink_metadata(dir.join("link.proc"))
        .unwrap()
        .file_type();
    assert!(link_type.is_symlink());
    let target = std::fs::read_to_string(dir.join("shared/target.proc")).unwrap();
    assert!(
        target.starts_with("procedure x \"X\" {\n  start a\n"),
        "{target}"
    );

    let one = std::fs::metadata(dir.join("hard.proc")).unwrap();
    let other = std::fs::metadata(dir.join("shared/other-name.proc")).unwrap();
    assert_eq!(one.ino(), other.ino());
    assert_eq!(one.nlink(), 2);
    assert_ne!(
        std::fs::read_to_string(dir.join("hard.proc")).unwrap(),
        UNFORMATTED
    );
}

/// `kill -9` at the wrong moment left a temporary file behind each time;
/// the next run removes those whose writer is gone, and nothing else.
#[test]
fn fmt_removes_temporary_files_left_by_a_killed_run() {
    let dir = scratch("files-fmt-stale");
    std::fs::write(dir.join("p.proc"), UNFORMATTED).unwrap();
    // Process ids are below 2^22 on Linux, so this one is not running.
    let stale = dir.join(".p.proc.redress-4999999-0.tmp");
    std::fs::write(&stale, "half a file").unwrap();
    let foreign = dir.join(".p.proc.someone-else.tmp");
    std::fs::write(&foreign, "not ours").unwrap();

    let run = redress_in(&dir, &["fmt", "p.proc"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!stale.exists(), "the stale temporary file is still there");
    assert!(foreign.exists(), "a file that is not ours was removed");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".redress-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
