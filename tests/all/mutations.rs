//! No input makes redress panic: deterministic random edits of the real
//! procedures and case files at the level of bytes (stretches deleted or
//! repeated, brackets, quotes and junk bytes inserted), each run through
//! the fuzz targets' checks (`fuzz/oracle.rs`): compiled, formatted there
//! and back, every view built, read, replayed, and every problem a
//! diagnostic with a code. `fuzz_slice.rs` makes the edits that know the
//! grammar and YAML; cargo-fuzz runs both kinds for as long as it is
//! given (docs/fuzzing.md). A failure names the seed and the edit, so it
//! reproduces.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::fuzz_slice::{oracle, panic_message};
use crate::support::{files_in, root, Lcg};
const PIECES: [&str; 16] = [
    "{",
    "}",
    "(",
    ")",
    "\"",
    "->",
    "//",
    " when ",
    " not ",
    " 0 working days",
    "step",
    "\n",
    ":",
    "-",
    "é",
    "\u{0}",
];

/// One random edit: delete a stretch, duplicate one, or insert a piece.
fn mutate(text: &str, rng: &mut Lcg) -> String {
    let bytes = text.as_bytes();
    let at = rng.below(bytes.len() as u64 + 1) as usize;
    let len = rng.below(40) as usize;
    let mut out: Vec<u8> = bytes.to_vec();
    match rng.below(4) {
        0 => {
            let end = (at + len).min(out.len());
            out.drain(at..end);
        }
        1 => {
            let end = (at + len).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let to = rng.below(out.len() as u64 + 1) as usize;
            out.splice(to..to, copy);
        }
        2 => {
            let piece = PIECES[rng.below(PIECES.len() as u64) as usize];
            out.splice(at..at, piece.bytes());
        }
        _ => {
            if at < out.len() {
                out[at] = rng.below(256) as u8;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs one input through a check; a panic or a broken property becomes a
/// line naming the input.
fn survives(what: &str, check: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    match catch_unwind(AssertUnwindSafe(check)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(broken)) => Err(format!("{what}: {broken}")),
        Err(panic) => Err(format!(
            "{what}: panicked: {}",
            panic_message(panic.as_ref())
        )),
    }
}

/// Edits a seed `edits` times, each time with one to `changes + 1` random
/// changes, and runs every result through `check`, listing every one that
/// failed.
fn edited(
    name: &str,
    original: &str,
    edits: u32,
    changes: u64,
    rng: &mut Lcg,
    check: fn(&[u8]) -> Result<(), String>,
) -> Vec<String> {
    let mut failures = Vec::new();
    for i in 0..edits {
        let mut text = original.to_string();
        for _ in 0..=rng.below(changes) {
            text = mutate(&text, rng);
        }
        if let Err(e) = survives(&format!("{name} mutation {i}"), || check(text.as_bytes())) {
            failures.push(e);
        }
    }
    failures
}

#[test]
fn mutated_procedures_never_panic() {
    let mut failures = Vec::new();
    for name in ["cafcass.proc", "babicm.proc"] {
        let original =
            std::fs::read_to_string(root().join("procedures").join(name)).expect("procedure");
        let mut rng = Lcg::new(name.len() as u64 * 7919);
        failures.extend(edited(name, &original, 16, 3, &mut rng, oracle::proc_file));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn mutated_case_files_never_panic() {
    let mut failures = Vec::new();
    let mut rng = Lcg::new(4242);
    for folder in ["examples/cafcass", "examples/babicm"] {
        for path in files_in(folder, "yaml") {
            if path.to_string_lossy().contains("assumptions") {
                continue;
            }
            let name = path.to_string_lossy().into_owned();
            let original = std::fs::read_to_string(&path).expect("case file");
            failures.extend(edited(&name, &original, 6, 2, &mut rng, oracle::case_file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
