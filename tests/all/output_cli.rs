//! Output that cannot be written: a reader that went away (`| head`), a
//! full disk (`> /dev/full`). No command panics (exit 101); a closed pipe
//! ends quietly with the command's own exit, a full disk is exit 2.

use std::fs::File;
use std::process::{Command, Stdio};

use crate::support::root;

/// Runs redress with stdout a pipe whose reading end is closed before the
/// command can write to it; gives the exit code and stderr.
fn with_stdout_closed(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_redress"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the redress binary runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("redress ends");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs redress with stdout, or stderr, writing to /dev/full.
fn into_dev_full(args: &[&str], stderr: bool) -> (i32, String) {
    let full = || {
        Stdio::from(
            File::options()
                .write(true)
                .open("/dev/full")
                .expect("/dev/full"),
        )
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_redress"));
    command.args(args).current_dir(root()).env("NO_COLOR", "1");
    if stderr {
        command.stdout(Stdio::piped()).stderr(full());
    } else {
        command.stdout(full()).stderr(Stdio::piped());
    }
    let output = command.output().expect("the redress binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_commands_own_exit() {
    for (args, exit) in [
        (&["days", "holidays", "2022"][..], 0),
        (&["check", "procedures", "--format", "json"][..], 0),
        (&["doc", "procedures/cafcass.proc"][..], 0),
        (&["test", "examples"][..], 0),
        // The check fails: a closed pipe must not turn that into a pass.
        (
            &[
                "check",
                "tests/fixtures/check/E0202-unknown-role.proc",
                "--format",
                "json",
            ][..],
            1,
        ),
    ] {
        let (code, stderr) = with_stdout_closed(args);
        assert_eq!(code, exit, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_full_disk_is_an_io_error_said_on_stderr() {
    for args in [
        &["days", "holidays", "2022"][..],
        &["check", "procedures", "--format", "json"][..],
        &["paths", "procedures/cafcass.proc"][..],
    ] {
        let (code, stderr) = into_dev_full(args, false);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_full_stderr_is_exit_2_not_a_panic() {
    let (code, _) = into_dev_full(&["check", "procedures"], true);
    assert_eq!(code, 2);
    // A check that fails, whose diagnostics cannot be shown.
    let (code, _) = into_dev_full(
        &["check", "tests/fixtures/check/E0202-unknown-role.proc"],
        true,
    );
    assert_eq!(code, 2);
}
